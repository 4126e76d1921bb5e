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
      // The time scalars travel as strings in their stated formats (Date YYYY-MM-DD, DateTime RFC 3339).
      config: { useTypeImports: true, enumsAsTypes: true, skipTypename: true, scalars: { Date: 'string', DateTime: 'string' } },
    },
  },
};
export default config;
