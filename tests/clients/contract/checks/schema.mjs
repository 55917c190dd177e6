// What Relay and every normalising cache assume of the schema: a `Node` interface with
// `id: ID!`, `Query.node(id: ID!): Node` and `Query.nodes(ids: [ID!]!): [Node]!`, and every
// object type that has an `id` implementing `Node` with a non-null `id: ID!`.
import { isInterfaceType, isListType, isNonNullType, isObjectType } from "graphql";

const isIdBang = (type) => isNonNullType(type) && type.ofType.name === "ID";

export function schemaProblems(schema) {
  const problems = [];
  const node = schema.getType("Node");
  if (!isInterfaceType(node)) return ["there is no `Node` interface"];
  if (!isIdBang(node.getFields().id?.type)) problems.push("`Node.id` is not `ID!`");

  const query = schema.getQueryType().getFields();
  const nodeField = query.node;
  if (!nodeField || String(nodeField.type) !== "Node") problems.push("`Query.node` is not `Node`");
  else if (!isIdBang(nodeField.args.find((a) => a.name === "id")?.type)) problems.push("`Query.node` takes no `id: ID!`");
  const nodesField = query.nodes;
  if (!nodesField || String(nodesField.type) !== "[Node]!") problems.push("`Query.nodes` is not `[Node]!`");
  else if (String(nodesField.args.find((a) => a.name === "ids")?.type) !== "[ID!]!") problems.push("`Query.nodes` takes no `ids: [ID!]!`");

  let nodeTypes = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const id = type.getFields().id;
    const implementsNode = type.getInterfaces().includes(node);
    if (implementsNode) {
      nodeTypes += 1;
      if (!id || !isIdBang(id.type)) problems.push(`${type.name} implements Node without a non-null \`id: ID!\``);
    } else if (id) {
      problems.push(`${type.name} has \`id: ${id.type}\` but does not implement Node (Relay cannot refetch it)`);
    }
    if (id && isListType(id.type)) problems.push(`${type.name}.id is a list`);
  }
  if (nodeTypes === 0) problems.push("no object type implements Node");
  return { problems, nodeTypes };
}
