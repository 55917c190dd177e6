// The kit's side of tests/api/contract.rs, which runs the operations against the real server.
//
//   node server.mjs operations   prints the operations/app queries as JSON, printed as
//                                Apollo sends them: [{ name, operation, query, variables, idVariables }]
//   node server.mjs apollo       reads [{ name, variables, data }] (the server's answers) on
//                                stdin and puts them through Apollo's InMemoryCache as check.mjs
//                                does with mocked ones; exits 1 naming what went wrong
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema } from "graphql";
import { answered, apolloProblems, printable } from "./checks/apollo.mjs";
import { appOperations } from "./checks/documents.mjs";

const kit = dirname(fileURLToPath(import.meta.url));
const schemaPath = resolve(process.env.CONTRACT_SCHEMA ?? join(kit, "../../../schema.graphql"));
const schema = buildSchema(readFileSync(schemaPath, "utf8"));
const operations = appOperations(join(kit, "operations/app"));

if (process.argv[2] === "operations") {
  console.log(JSON.stringify(printable(schema, operations)));
} else if (process.argv[2] === "apollo") {
  const responses = JSON.parse(readFileSync(0, "utf8"));
  const { problems, notes, normalised } = apolloProblems(schema, answered(schema, operations, responses));
  for (const note of notes) console.log(`note: ${note}`);
  for (const problem of problems) console.log(`FAILED ${problem}`);
  console.log(`${responses.length} responses, ${normalised} objects normalised, ${problems.length} problems`);
  process.exit(problems.length === 0 ? 0 : 1);
} else {
  console.error("usage: node server.mjs operations | apollo < responses.json");
  process.exit(2);
}
