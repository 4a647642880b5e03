/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Transpile only (tsconfig `isolatedModules`): `npm run typecheck` type-checks the whole tree once,
    // about 2x faster and 3x less memory than type-checking per test file.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  testTimeout: 60000,
  // One seed for every fast-check property: reproducible CI (FC_SEED overrides it).
  setupFiles: ["<rootDir>/test/support/fast-check-seed.ts"],
};
