/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Jest's default is one worker fewer than the cores: one worker on CI's 2-core machine, every
  // suite in turn. One per core halves the run there (100 s -> 60 s); the timed load tests held
  // on three full runs in a row.
  maxWorkers: '100%',
  // Type checking is done once by `tsc` in `npm test`; Jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  // Every file the run writes goes under one TMPDIR, scanned for secret values at the end.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
};
