/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Jest's default is one worker fewer than the cores: one worker on CI's 2-core machine, every
  // suite in turn. Several suites mostly wait on real time (load runs against loopback servers,
  // npm install of the packed package, kubectl), so one worker more than the cores overlaps that
  // waiting with the CPU-bound suites: on 2 cores 87 s with 2 workers, 72-75 s with 3, 80 s with
  // 4 (the timed load tests held on each run).
  maxWorkers: '150%',
  // Type checking is done once by `tsc` in `npm test`; Jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  // Every file the run writes goes under one TMPDIR, scanned for secret values at the end.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
};
