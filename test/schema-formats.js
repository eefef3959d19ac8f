// The JSON Schema formats the CRD and OpenAPI schemas use, as one CommonJS module: test/schema.ts
// registers them with ajv, and the standalone validators it caches require them at run time.
const { fullFormats } = require('ajv-formats/dist/formats');

module.exports = {
  'date-time': fullFormats['date-time'],
  'byte': fullFormats.byte,
  'int32': { type: 'number', validate: n => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  'int64': { type: 'number', validate: n => Number.isSafeInteger(n) },
  'double': { type: 'number', validate: () => true },
  'date-time-micro': true,
  'int-or-string': true,
};
