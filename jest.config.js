/** Jest in native ESM mode; @swc/jest emits decorator metadata (type-graphql, MikroORM). */
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

// The Redis suites (*.redis.test.ts) need REDIS_URL and run only in `npm run test:redis`: npm test needs no Redis.
const redisSuites = process.env.VICTORI_REDIS_SUITES === '1' ? [] : ['\\.redis\\.test\\.ts$'];

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/shared/src', '<rootDir>/services', '<rootDir>/gateway/src', '<rootDir>/platform/src'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', ...redisSuites],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swc,
    // The independent SMART Health Card verifier (a test-only dependency) ships ES module syntax in a
    // CommonJS package, behind the `esm` loader that Node 22 no longer runs: swc turns it into CommonJS.
    '/node_modules/@pathcheck/shc-sdk/lib/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@pathcheck/shc-sdk/)'],
  moduleNameMapper: {
    '^@victori/shared$': '<rootDir>/shared/src/index.ts',
    '^@victori/shared/testing$': '<rootDir>/shared/src/testing/index.ts',
    '^@victori/gateway$': '<rootDir>/gateway/src/index.ts',
    '^@victori/immunization/simulator$': '<rootDir>/services/immunization/src/satusehat/simulator.ts',
    '^@victori/(booking|inventory|immunization|reporting|identity)/service$': '<rootDir>/services/$1/src/service.ts',
    '^@victori/(booking|inventory|immunization|reporting|identity)$': '<rootDir>/services/$1/src/index.ts',
    '^@victori/feedback/service$': '<rootDir>/services/feedback/src/service.ts',
    '^@victori/feedback$': '<rootDir>/services/feedback/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  globalSetup: '<rootDir>/platform/jest/global-setup.js',
  globalTeardown: '<rootDir>/platform/jest/global-teardown.js',
  testTimeout: 120000,
  // One worker process (the suites start whole platforms on two cores), recycled when a suite leaves it
  // above this heap: in one process the ESM module registry of 90+ suites outgrew the 4 GB heap (CI OOM).
  workerIdleMemoryLimit: '1200MB',
  modulePathIgnorePatterns: ['<rootDir>/.data/', '/dist/'],
};
