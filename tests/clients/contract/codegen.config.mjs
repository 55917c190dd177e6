// graphql-codegen's client preset over the SPA operations in operations/app (Relay-only
// directives live in operations/relay and are compiled by relay-compiler alone).
/** @type {import("@graphql-codegen/cli").CodegenConfig} */
export default {
  schema: "../../../schema.graphql",
  documents: ["operations/app/**/*.ts"],
  ignoreNoDocuments: false,
  generates: {
    "__generated__/codegen/": {
      preset: "client",
      config: {
        scalars: { DateTime: "string", Date: "string", URL: "string", EmailAddress: "string" },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};
