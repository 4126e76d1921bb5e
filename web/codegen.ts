import type { CodegenConfig } from '@graphql-codegen/cli';

// Every operation is a typed document checked against the supergraph; a field that does not exist fails the build.
const config: CodegenConfig = {
  schema: '../supergraph.graphql',
  documents: ['src/operations.ts'],
  silent: true,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, skipTypename: true },
    },
  },
};
export default config;
