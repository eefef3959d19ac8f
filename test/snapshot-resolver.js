// Snapshots live in __snapshots__/ at the repository root, one file per test file.
const path = require('path');
const root = path.resolve(__dirname, '..', '__snapshots__');
module.exports = {
  resolveSnapshotPath: (testPath, ext) => path.join(root, path.basename(testPath) + ext),
  resolveTestPath: (snapshotPath, ext) => path.join(__dirname, path.basename(snapshotPath).slice(0, -ext.length)),
  testPathForConsistencyCheck: path.join(__dirname, 'example.test.ts'),
};
