/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking is done once by `tsc` in `npm test`; Jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  // Every file the run writes goes under one TMPDIR, scanned for secret values at the end.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
};
