// The operations of operations/app, as the clients see them: every graphql`…` tag of every
// file (Relay forbids interpolation in them, so the text between the backquotes is the whole
// document), one document per operation with the fragments it uses.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Kind, parse, visit } from "graphql";

export function appOperations(dir) {
  const fragments = new Map();
  const operations = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts")).sort()) {
    const text = readFileSync(join(dir, file), "utf8");
    for (const [, body] of text.matchAll(/graphql`([^`]*)`/g)) {
      for (const definition of parse(body).definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
        else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push({ file, definition });
      }
    }
  }
  return operations.map(({ file, definition }) => {
    const used = new Map();
    const walk = (node) =>
      visit(node, {
        FragmentSpread(spread) {
          const name = spread.name.value;
          const fragment = fragments.get(name);
          if (!fragment) throw new Error(`${file}: fragment ${name} is not defined in ${dir}`);
          if (!used.has(name)) {
            used.set(name, fragment);
            walk(fragment);
          }
        },
      });
    walk(definition);
    return {
      file,
      name: definition.name.value,
      operation: definition.operation,
      document: { kind: Kind.DOCUMENT, definitions: [definition, ...used.values()] },
    };
  });
}
