/**
 * Model signatures and the v2 request rules (kserve.md §7): example requests are valid for
 * every datatype, deterministic, and the checker catches each rule on hand-written bodies.
 */
import { checkInferenceRequest, checkSignature, exampleRequest, formatRequest, ModelSignature, V2Datatype } from '../lib';

const fields = (problems: { field: string }[]) => problems.map(p => p.field);

describe('exampleRequest', () => {
  test.each(Object.values(V2Datatype))('a %s input gives a valid request whose element count is the product of the shape', datatype => {
    const signature: ModelSignature = { inputs: [{ name: 'x', datatype, shape: [-1, 3, 2] }] };
    const request = exampleRequest(signature);
    expect(request.inputs[0].shape).toEqual([1, 3, 2]);
    expect(request.inputs[0].data).toHaveLength(6);
    expect(checkInferenceRequest(request, signature)).toEqual([]);
  });

  test('is deterministic, fills variable dimensions from exampleShape, uses exampleData and lists outputs', () => {
    const signature: ModelSignature = {
      inputs: [
        { name: 'ids', datatype: V2Datatype.INT64, shape: [-1, -1], exampleShape: [2, 3] },
        { name: 'mask', datatype: V2Datatype.BOOL, shape: [2, 2], exampleData: [true, true, false, true] },
      ],
      outputs: [{ name: 'logits', datatype: V2Datatype.FP32, shape: [-1, 2] }],
    };
    const a = exampleRequest(signature, { id: 'req-1' });
    expect(a).toEqual(exampleRequest(signature, { id: 'req-1' }));
    expect(a).toEqual({
      id: 'req-1',
      inputs: [
        { name: 'ids', shape: [2, 3], datatype: 'INT64', data: [-64, -63, -62, -61, -60, -59] },
        { name: 'mask', shape: [2, 2], datatype: 'BOOL', data: [true, true, false, true] },
      ],
      outputs: [{ name: 'logits' }],
    });
  });

  test('integer examples stay in range for the narrowest types over many elements', () => {
    for (const datatype of [V2Datatype.INT8, V2Datatype.UINT8]) {
      const signature = { inputs: [{ name: 'x', datatype, shape: [1000] }] };
      expect(checkInferenceRequest(exampleRequest(signature), signature)).toEqual([]);
    }
  });

  test('formatRequest writes JSON that parses back to the request, scalar arrays on one line', () => {
    const request = exampleRequest({ inputs: [{ name: 'x', datatype: V2Datatype.BYTES, shape: [2], exampleData: ['a "quoted"', 'b'] }] });
    const text = formatRequest(request);
    expect(JSON.parse(text)).toEqual(request);
    expect(text).toContain('"data": ["a \\"quoted\\"", "b"]');
  });
});

describe('checkSignature', () => {
  test('a good signature has no problems', () => {
    expect(checkSignature({ inputs: [{ name: 'x', datatype: V2Datatype.FP32, shape: [-1, 4], exampleShape: [3, 4] }] })).toEqual([]);
  });

  test('reports every problem at once', () => {
    const problems = checkSignature({
      inputs: [
        { name: '', datatype: V2Datatype.FP32, shape: [1] },
        { name: 'b', datatype: V2Datatype.FP32, shape: [1.5] },
        { name: 'c', datatype: V2Datatype.INT8, shape: [2], exampleData: [1, 128] },
      ],
      outputs: [{ name: 'o', datatype: V2Datatype.FP32, shape: [1] }, { name: 'o', datatype: V2Datatype.FP32, shape: [1] }],
    });
    expect(fields(problems)).toEqual(['signature.inputs[0].name', 'signature.inputs[1].shape', 'signature.inputs[2].exampleData[1]', 'signature.outputs[1].name']);
  });
});

describe('checkInferenceRequest (the v2 rules on any body)', () => {
  const ok = { inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }] };

  test('accepts flat and nested data', () => {
    expect(checkInferenceRequest(ok)).toEqual([]);
    expect(checkInferenceRequest({ inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: [[1, 2], [3, 4]] }] })).toEqual([]);
  });

  test.each([
    ['not an object', [], '(body)'],
    ['no inputs', {}, 'inputs'],
    ['empty inputs', { inputs: [] }, 'inputs'],
    ['element count differs from the shape', { inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3] }] }, 'inputs[0].data'],
    ['negative dimension', { inputs: [{ name: 'x', shape: [-1, 2], datatype: 'FP32', data: [1, 2] }] }, 'inputs[0].shape'],
    ['unknown datatype', { inputs: [{ name: 'x', shape: [1], datatype: 'FLOAT', data: [1] }] }, 'inputs[0].datatype'],
    ['nesting that does not follow the shape', { inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: [[1, 2, 3], [4]] }] }, 'inputs[0].data[0]'],
    ['nesting deeper than the shape', { inputs: [{ name: 'x', shape: [2], datatype: 'FP32', data: [[1], [2]] }] }, 'inputs[0].data[0]'],
    ['a string in an INT32 tensor', { inputs: [{ name: 'x', shape: [2], datatype: 'INT32', data: [1, '2'] }] }, 'inputs[0].data'],
    ['a number in a BYTES tensor', { inputs: [{ name: 'x', shape: [1], datatype: 'BYTES', data: [1] }] }, 'inputs[0].data'],
    ['duplicate input names', { inputs: [ok.inputs[0], ok.inputs[0]] }, 'inputs[1].name'],
    ['an output without a name', { ...ok, outputs: [{}] }, 'outputs[0].name'],
  ])('rejects %s', (_, body, field) => {
    expect(fields(checkInferenceRequest(body))).toEqual([field]);
  });

  test('with a signature: names, datatypes and fixed dimensions must match the model', () => {
    const signature: ModelSignature = { inputs: [{ name: 'x', datatype: V2Datatype.FP32, shape: [-1, 2] }, { name: 'y', datatype: V2Datatype.INT64, shape: [1] }] };
    const body = { inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP64', data: [1, 2, 3, 4, 5, 6] }, { name: 'z', shape: [1], datatype: 'INT64', data: [1] }] };
    expect(checkInferenceRequest(body, signature).map(p => `${p.field} ${p.expected}`)).toEqual([
      'inputs[0].datatype must be FP32, the model\'s datatype for "x"',
      'inputs[0].shape must match the model\'s shape [-1,2] (-1: any size)',
      'inputs must include "y", an input of the model',
      'inputs must be one of the model\'s inputs: x, y',
    ]);
  });
});
