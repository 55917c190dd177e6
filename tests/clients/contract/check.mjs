// The client contract: stock clients accept the schema and the operations an SPA sends.
//
//   node check.mjs            against ../../../schema.graphql (what `careergraph export-schema` prints)
//   CONTRACT_SCHEMA=x.graphql node check.mjs   against another schema file
//
// 1. graphql-js: the schema is valid and Relay-shaped (Node, Query.node/nodes, `id: ID!`).
// 2. relay-compiler compiles operations/ (app and Relay-only documents) with no error.
// 3. graphql-codegen (client preset) generates types for operations/app, and
//    `tsc --strict --noEmit` passes over src/app.ts, which uses them as an SPA does.
// 4. Apollo Client's InMemoryCache normalises a response to every operations/app operation.
// 5. The bench workloads are valid and select `id` on every object that has one.
// Prints one line per check; exits 1 if any failed.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema } from "graphql";
import { generate } from "@graphql-codegen/cli";
import codegenConfig from "./codegen.config.mjs";
import { apolloProblems, mocked } from "./checks/apollo.mjs";
import { appOperations } from "./checks/documents.mjs";
import { schemaProblems } from "./checks/schema.mjs";
import { workloadProblems } from "./checks/workloads.mjs";

const kit = dirname(fileURLToPath(import.meta.url));
process.chdir(kit);
const schemaPath = resolve(process.env.CONTRACT_SCHEMA ?? join(kit, "../../../schema.graphql"));
const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, "");
let failed = 0;

async function check(name, run) {
  const started = Date.now();
  let detail;
  let ok = true;
  try {
    detail = await run();
  } catch (error) {
    ok = false;
    detail = plain(String(error?.stack && !error.details ? error.message : (error.details ?? error.message ?? error)));
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${ok ? "ok    " : "FAILED"} ${name} (${seconds} s)${detail ? `: ${detail}` : ""}`);
  if (!ok) failed += 1;
  return ok;
}

function run(command, args, cwd = kit) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  const output = plain(`${result.stdout ?? ""}${result.stderr ?? ""}`).trim();
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`exit ${result.status}\n${output}`);
  return output;
}

console.log(`client contract against ${schemaPath}`);
rmSync(join(kit, "__generated__"), { recursive: true, force: true });
mkdirSync(join(kit, "__generated__/relay"), { recursive: true });

let schema;
await check("graphql-js: the schema is valid, with Node on every object with an id", () => {
  schema = buildSchema(readFileSync(schemaPath, "utf8"));
  const { problems, nodeTypes } = schemaProblems(schema);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return `${nodeTypes} Node types`;
});

await check("relay-compiler: operations/ compile", () => {
  // relay.config.json with the schema under check (Relay takes no --schema beside a config).
  const config = JSON.parse(readFileSync(join(kit, "relay.config.json"), "utf8"));
  writeFileSync(join(kit, "__generated__/relay.config.json"), JSON.stringify({
    ...config,
    src: "../operations",
    schema: schemaPath,
    artifactDirectory: "./relay",
  }));
  const output = run(join(kit, "node_modules/.bin/relay-compiler"), ["relay.config.json"], join(kit, "__generated__"));
  if (/\[ERROR\]|\[WARN\]/.test(output)) throw new Error(output);
  return output.match(/compiled documents: [^\n]*/)?.[0] ?? "";
});

const generated = await check("graphql-codegen (client preset): types for operations/app", async () => {
  const files = await generate({ ...codegenConfig, schema: schemaPath, silent: true, errorsOnly: true }, true);
  return `${files.length} files`;
});

if (generated) {
  await check("tsc --strict --noEmit: src/app.ts over the generated types", () => {
    run(join(kit, "node_modules/.bin/tsc"), ["-p", "tsconfig.json", "--strict", "--noEmit"]);
  });
} else {
  console.log("FAILED tsc --strict --noEmit: not run (no generated types)");
  failed += 1;
}

if (schema) {
  await check("Apollo InMemoryCache: responses to operations/app normalise", () => {
    const { problems, notes, normalised, operations } = apolloProblems(schema, mocked(schema, appOperations(join(kit, "operations/app"))));
    if (problems.length > 0) throw new Error(problems.join("\n"));
    const noted = notes.length > 0 ? `; not normalisable, so lost between queries:\n  ${notes.join("\n  ")}` : "";
    return `${operations} operations, ${normalised} objects normalised${noted}`;
  });
}

if (schema) {
  await check("bench workloads: valid, with `id` on every object that has one", () => {
    const { problems, files } = workloadProblems(schema, join(kit, "../../../bench/workloads"));
    if (problems.length > 0) throw new Error(problems.join("\n"));
    return `${files} workloads`;
  });
}

console.log(failed === 0 ? "client contract: ok" : `client contract: ${failed} check(s) FAILED`);
process.exit(failed === 0 ? 0 : 1);
