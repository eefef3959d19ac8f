/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Jest's default is one worker fewer than the cores: one worker on CI's 2-core machine, every
  // suite in turn. One per core halves the run there. One more than the cores was faster with
  // warm caches (87 s -> 72-75 s), but on a clean clone (cold ts-jest, ajv and esbuild caches)
  // the load average reached 17 and the timed load tests saw multi-second stalls and failed.
  maxWorkers: '100%',
  // Type checking is done once by `tsc` in `npm test`; Jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  // Every file the run writes goes under one TMPDIR, scanned for secret values at the end.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
};
