import type { CodegenConfig } from '@graphql-codegen/cli';

// Every operation is a typed document checked against the supergraph; a field that does not exist fails the build.
const config: CodegenConfig = {
  schema: '../supergraph.graphql',
  silent: true,
  generates: {
    'src/gql/': {
      documents: ['src/operations.ts'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      // The time scalars travel as strings in their stated formats (Date YYYY-MM-DD, DateTime RFC 3339).
      config: { useTypeImports: true, enumsAsTypes: true, skipTypename: true, scalars: { Date: 'string', DateTime: 'string' } },
    },
    // The staff board's documents in a generator of their own: the client preset's graphql() holds every
    // document it knows, so sharing one would put the board's documents into the citizens' entry chunk.
    'src/staff/board/gql/': {
      documents: ['src/staff/board/operations.ts'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, skipTypename: true, scalars: { Date: 'string', DateTime: 'string' } },
    },
    // Certificates and the verifier (lazy chunks), for the same reason.
    'src/certs/gql/': {
      documents: ['src/certs/operations.ts'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, skipTypename: true, scalars: { Date: 'string', DateTime: 'string' } },
    },
    // The desk's likewise (issue 19 items 1, 2).
    'src/staff/desk/gql/': {
      documents: ['src/staff/desk/desk.operations.ts'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, skipTypename: true, scalars: { Date: 'string', DateTime: 'string' } },
    },
    // The feedback pages' (issue 17 item 4: complaints, FAQ, survey) likewise.
    'src/feedback/gql/': {
      documents: ['src/feedback/operations.ts'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, skipTypename: true, scalars: { Date: 'string', DateTime: 'string' } },
    },
  },
};
export default config;
