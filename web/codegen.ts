import type { CodegenConfig } from '@graphql-codegen/cli';

const client = {
  preset: 'client' as const,
  presetConfig: { fragmentMasking: false },
  config: { useTypeImports: true, enumsAsTypes: true, skipTypename: true },
};

// Every operation is a typed document checked against the supergraph; a field that does not exist fails the build.
// The client preset puts every document of an output into that output's module, so staff screens have their
// own output (loaded with their chunk), and the citizens' entry page carries only its own documents.
const config: CodegenConfig = {
  schema: '../supergraph.graphql',
  silent: true,
  generates: {
    'src/gql/': { ...client, documents: ['src/operations.ts'] },
    'src/staff/desk/gql/': { ...client, documents: ['src/staff/desk/desk.operations.ts'] },
  },
};
export default config;
