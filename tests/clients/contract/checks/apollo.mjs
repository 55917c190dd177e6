// Apollo Client 4's InMemoryCache, configured as an SPA would (default dataIdFromObject, no
// typePolicies; possibleTypes from the schema, as codegen's fragment matcher gives them):
// each operation's response, mocked from the schema, is written and read back whole, every
// object with an `id` is normalised, and the cache says nothing ("Missing field …", "Cache data
// may be lost …"). Then all queries go through one shared cache, as one page after another.
import { format, isDeepStrictEqual } from "node:util";
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  print,
  typeFromAST,
  valueFromAST,
} from "graphql";
import "./development.mjs";
import { InMemoryCache } from "@apollo/client";
import { loadDevMessages, loadErrorMessages } from "@apollo/client/dev";
import { __DEV__ } from "@apollo/client/utilities/environment";

if (!__DEV__) throw new Error("Apollo Client is not in development mode: it would not warn");
loadDevMessages();
loadErrorMessages();

const SCALARS = {
  ID: "ID-1",
  String: "text",
  Int: 3,
  Float: 0.5,
  Boolean: true,
  DateTime: "2026-01-02T03:04:05Z",
  Date: "2026-01-02",
};

/** A response to `document` as the server could send it: every selected field present. */
function mockResponse(schema, document, root) {
  const fragments = new Map(
    document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const counters = new Map();
  const applies = (condition, type) => {
    if (!condition) return true;
    const target = schema.getType(condition.name.value);
    return target === type || (isAbstractType(target) && schema.isSubType(target, type));
  };
  // graphql-js's CollectFields: response key -> the field nodes selected under it.
  const collect = (type, selectionSet, into = new Map()) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        into.set(key, [...(into.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition, type)) collect(type, selection.selectionSet, into);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (applies(fragment.typeCondition, type)) collect(type, fragment.selectionSet, into);
      }
    }
    return into;
  };
  // The concrete types the selections ask about (the first one is used for a single value).
  const conditions = (abstract, nodes, found = []) => {
    const add = (name) => {
      const type = schema.getType(name);
      if (isObjectType(type) && schema.isSubType(abstract, type) && !found.includes(type)) found.push(type);
      if (isAbstractType(type)) for (const t of schema.getPossibleTypes(type)) if (schema.isSubType(abstract, t) && !found.includes(t)) found.push(t);
    };
    const walk = (selectionSet) => {
      for (const s of selectionSet?.selections ?? []) {
        if (s.kind === Kind.INLINE_FRAGMENT) {
          if (s.typeCondition) add(s.typeCondition.name.value);
          walk(s.selectionSet);
        } else if (s.kind === Kind.FRAGMENT_SPREAD) {
          const f = fragments.get(s.name.value);
          add(f.typeCondition.name.value);
          walk(f.selectionSet);
        }
      }
    };
    for (const n of nodes) walk(n.selectionSet);
    const concrete = found.filter((t) => t !== abstract);
    return concrete.length > 0 ? concrete : [...schema.getPossibleTypes(abstract)];
  };
  const object = (type, nodes) => {
    const n = (counters.get(type.name) ?? 0) + 1;
    counters.set(type.name, n);
    const result = {};
    const merged = { kind: Kind.SELECTION_SET, selections: nodes.flatMap((f) => f.selectionSet.selections) };
    for (const [key, fields] of collect(type, merged)) {
      const name = fields[0].name.value;
      if (name === "__typename") result[key] = type.name;
      else if (name === "id") result[key] = `${type.name}-${n}`;
      else {
        const field = type.getFields()[name];
        if (!field) throw new Error(`${type.name}.${name}: no such field in the schema`);
        result[key] = value(field.type, fields, `${type.name}.${name}`);
      }
    }
    return result;
  };
  const value = (type, fields, where) => {
    const inner = getNullableType(type);
    if (isListType(inner)) {
      const item = getNamedType(inner);
      if (isAbstractType(item)) return conditions(item, fields).map((t) => object(t, fields));
      return [value(inner.ofType, fields, where), value(inner.ofType, fields, where)];
    }
    if (isAbstractType(inner)) return object(conditions(inner, fields)[0], fields);
    if (isObjectType(inner)) return object(inner, fields);
    if (isEnumType(inner)) return inner.getValues()[0].value;
    if (isScalarType(inner)) return SCALARS[inner.name] ?? `${where}`;
    throw new Error(`${where}: cannot mock ${inner}`);
  };
  return object(root, [{ selectionSet: document.definitions[0].selectionSet }]);
}

/** Values for the operation's variables: required ones (without a default) only. */
function mockVariables(schema, operation) {
  const input = (type) => {
    const inner = getNullableType(type);
    if (isListType(inner)) return [input(inner.ofType)];
    if (isInputObjectType(inner)) {
      const fields = {};
      for (const field of Object.values(inner.getFields()))
        if (isNonNullType(field.type) && field.defaultValue === undefined) fields[field.name] = input(field.type);
      return fields;
    }
    if (isEnumType(inner)) return inner.getValues()[0].value;
    return SCALARS[inner.name] ?? "value";
  };
  const variables = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type);
    if (definition.defaultValue) variables[definition.variable.name.value] = valueFromAST(definition.defaultValue, type);
    else if (isNonNullType(type)) variables[definition.variable.name.value] = input(type);
  }
  return variables;
}

const ROOT_ID = { query: "ROOT_QUERY", mutation: "ROOT_MUTATION", subscription: "ROOT_SUBSCRIPTION" };

function possibleTypes(schema) {
  const result = {};
  for (const type of Object.values(schema.getTypeMap()))
    if (isAbstractType(type) && !type.name.startsWith("__")) result[type.name] = schema.getPossibleTypes(type).map((t) => t.name);
  return result;
}

/** What the cache printed while `run` ran (console.warn, .error, .log, .info, .debug). */
function said(run) {
  const messages = [];
  const saved = {};
  for (const level of ["warn", "error", "log", "info", "debug"]) {
    saved[level] = console[level];
    console[level] = (...args) => messages.push(`${level}: ${format(...args)}`);
  }
  try {
    run();
  } finally {
    Object.assign(console, saved);
  }
  return messages;
}

function identified(data, found = []) {
  if (Array.isArray(data)) data.forEach((d) => identified(d, found));
  else if (data && typeof data === "object") {
    if (typeof data.id === "string" && typeof data.__typename === "string") found.push(`${data.__typename}:${data.id}`);
    Object.values(data).forEach((d) => identified(d, found));
  }
  return found;
}

/** The cache's view of an operation: its document as the client sends it (with __typename). */
function asSent(schema, op) {
  const query = new InMemoryCache().transformDocument(op.document);
  // Reading needs a query: a mutation's or subscription's selections read from its root.
  const [operation, ...rest] = query.definitions;
  const read = { ...query, definitions: [{ ...operation, operation: "query" }, ...rest] };
  return { ...op, query, read, dataId: ROOT_ID[op.operation] };
}

/** Every operation with a response mocked from the schema. */
export function mocked(schema, operations) {
  const roots = {
    query: schema.getQueryType(),
    mutation: schema.getMutationType(),
    subscription: schema.getSubscriptionType(),
  };
  return operations.map((op) => {
    const sent = asSent(schema, op);
    const variables = mockVariables(schema, op.document.definitions[0]);
    return { ...sent, variables, data: mockResponse(schema, sent.query, roots[op.operation]) };
  });
}

/** The operations as the server answered them: `responses` is [{ name, variables, data }]. */
export function answered(schema, operations, responses) {
  return responses.map(({ name, variables, data }) => {
    const op = operations.find((o) => o.name === name);
    if (!op) throw new Error(`no operation ${name} in operations/app`);
    return { ...asSent(schema, op), variables, data };
  });
}

/** The operations as printed for a server (with __typename, as Apollo sends them), their
 * variables (mocked; those needing ids listed in `idVariables`). */
export function printable(schema, operations) {
  return mocked(schema, operations).map((op) => ({
    name: op.name,
    operation: op.operation,
    query: print(op.query),
    variables: Object.fromEntries(Object.entries(op.variables).filter(([k]) => !idVariables(schema, op).includes(k))),
    idVariables: idVariables(schema, op),
  }));
}

function idVariables(schema, op) {
  return (op.document.definitions[0].variableDefinitions ?? [])
    .filter((d) => isNonNullType(typeFromAST(schema, d.type)) && getNamedType(typeFromAST(schema, d.type)).name === "ID")
    .map((d) => d.variable.name.value);
}

/** What goes wrong when `entries` (from `mocked` or `answered`) go through the cache. */
export function apolloProblems(schema, entries) {
  const problems = [];
  const config = { possibleTypes: possibleTypes(schema) };
  const prepared = entries;
  let normalised = 0;
  for (const op of prepared) {
    const cache = new InMemoryCache(config);
    let diff;
    const messages = said(() => {
      cache.write({ query: op.query, result: op.data, variables: op.variables, dataId: op.dataId });
      diff = cache.diff({ query: op.read, variables: op.variables, id: op.dataId, returnPartialData: true, optimistic: false });
    });
    for (const m of messages) problems.push(`${op.name}: the cache said ${m}`);
    if (!diff.complete) problems.push(`${op.name}: read back incomplete: ${diff.missing?.message ?? diff.missing}`);
    else if (!isDeepStrictEqual(JSON.parse(JSON.stringify(diff.result)), op.data))
      problems.push(`${op.name}: read back differs from what was written`);
    const store = cache.extract();
    const ids = [...new Set(identified(op.data))];
    for (const id of ids) if (!store[id]) problems.push(`${op.name}: ${id} was not normalised`);
    normalised += ids.length;
  }

  // One cache for every query, written one after another.
  const notes = new Set();
  const shared = new InMemoryCache(config);
  const queries = prepared.filter((op) => op.operation === "query");
  const messages = said(() => {
    for (const op of queries) shared.write({ query: op.query, result: op.data, variables: op.variables, dataId: op.dataId });
  });
  // "Cache data may be lost when replacing the F field of a T object": known (noted) when what
  // T.F holds has no id in the schema; a failure when it has one (then it should be normalised).
  for (const m of messages) {
    const [, field, parent] = m.match(/replacing the (\w+) field of a (\w+) object/) ?? [];
    const held = field && schema.getType(parent)?.getFields()[field];
    const heldType = held && getNamedType(held.type);
    if (heldType && isObjectType(heldType) && !heldType.getFields().id)
      notes.add(`${heldType.name} (no id) in ${parent}.${field}: Apollo warns that a later query replaced it`);
    else problems.push(`shared cache: ${m}`);
  }
  // What a later query replaced: fields of objects without an id (embedded in their parent,
  // so a list of them is replaced whole) are the schema's known limit and are noted; lost
  // fields of a normalised object would be the cache's failure.
  const lost = (op, missing, data, path) => {
    for (const [key, inner] of Object.entries(missing)) {
      if (typeof inner !== "object") {
        if (data && typeof data.id === "string") problems.push(`shared cache: ${op.name} lost ${path}.${key} of ${data.__typename}:${data.id}`);
        else notes.add(`${data?.__typename ?? "?"} (no id) at ${op.name} ${path.replace(/\.\d+/g, "[]")}: replaced by a later query`);
      } else lost(op, inner, data?.[key], `${path}.${key}`);
    }
  };
  for (const op of queries) {
    const diff = shared.diff({ query: op.query, variables: op.variables, returnPartialData: true, optimistic: false });
    if (!diff.complete) lost(op, diff.missing?.missing ?? {}, op.data, "data");
  }
  return { problems, notes: [...notes], normalised, operations: prepared.length };
}
