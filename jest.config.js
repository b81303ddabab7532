// ESM + TypeScript through @swc/jest (see ../shared/notes/toolchain.md): the test script sets
// --experimental-vm-modules so Baileys (ESM-only) loads as it does in production.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
  // `./x.js` → `./x` so TypeScript's ESM import paths find the .ts files; `*.json.js` is left
  // alone (libphonenumber-js imports its metadata through such shims, and Jest would otherwise
  // import the bare JSON, which it warns will soon be an error).
  moduleNameMapper: { '^(\\.{1,2}/(?!.*\\.json\\.js$).*)\\.js$': '$1' },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  // Room for a test that links a slot or two on a machine whose CPUs are saturated; waits inside
  // tests end on events and have their own, shorter deadlines that say what they waited for.
  testTimeout: 60000,
  maxWorkers: 2,
};
