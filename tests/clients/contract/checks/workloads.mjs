// The bench workloads (bench/workloads/*.graphql) as a normalising client would send them:
// valid against the schema, and selecting `id` on every object that has one, so that Apollo or
// Relay writing one response after another never loses data to an unidentified object.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Kind, TypeInfo, getNamedType, isObjectType, parse, validate, visit, visitWithTypeInfo } from "graphql";

export function workloadProblems(schema, dir) {
  const problems = [];
  const files = readdirSync(dir).filter((f) => f.endsWith(".graphql")).sort();
  for (const file of files) {
    const document = parse(readFileSync(join(dir, file), "utf8"));
    for (const error of validate(schema, document)) problems.push(`${file}: ${error.message}`);
    const typeInfo = new TypeInfo(schema);
    visit(document, visitWithTypeInfo(typeInfo, {
      SelectionSet(set) {
        const type = getNamedType(typeInfo.getType() ?? typeInfo.getParentType());
        if (!isObjectType(type) || !type.getFields().id) return;
        const selectsId = set.selections.some((s) => s.kind === Kind.FIELD && s.name.value === "id" && !s.alias);
        if (!selectsId) problems.push(`${file}: a ${type.name} without \`id\``);
      },
    }));
  }
  return { problems, files: files.length };
}
