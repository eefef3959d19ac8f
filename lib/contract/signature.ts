/**
 * Model signatures and Open Inference Protocol (v2) requests (kserve.md §7): a typed description
 * of a model's tensors, the example request generated from it, and the v2 rules any request body
 * is checked against.
 */

/** A tensor datatype of the Open Inference Protocol (v2), with its byte size. */
export enum V2Datatype {
  BOOL = 'BOOL',
  UINT8 = 'UINT8',
  UINT16 = 'UINT16',
  UINT32 = 'UINT32',
  UINT64 = 'UINT64',
  INT8 = 'INT8',
  INT16 = 'INT16',
  INT32 = 'INT32',
  INT64 = 'INT64',
  /** Half precision; JSON has no portable form for it (prefer FP32 in JSON requests). */
  FP16 = 'FP16',
  FP32 = 'FP32',
  FP64 = 'FP64',
  /** bfloat16; JSON has no portable form for it (prefer FP32 in JSON requests). */
  BF16 = 'BF16',
  /** Variable-length bytes, written as JSON strings. */
  BYTES = 'BYTES',
}

/** A JSON value of one tensor element. */
export type TensorElement = number | string | boolean;

/** One input or output tensor of a model. */
export interface TensorSpec {
  /** Tensor name, as in Triton's `config.pbtxt` (or the transformer's own API). */
  readonly name: string;

  /** Element datatype. */
  readonly datatype: V2Datatype;

  /**
   * Dimensions, including the batch dimension when the model batches (Triton with
   * `max_batch_size > 0` adds it in front of the dims of `config.pbtxt`). `-1` marks a
   * variable dimension, as in the v2 model metadata.
   */
  readonly shape: number[];

  /**
   * The concrete shape of the example request: the same dimensions, with a size for each `-1`.
   *
   * @default - `shape` with every `-1` as 1
   */
  readonly exampleShape?: number[];

  /**
   * The example's values, flattened row-major; their count must be the product of the example
   * shape. Use real values when the model rejects arbitrary ones (token ids, image bytes).
   *
   * @default - deterministic values derived from the element index and the datatype
   */
  readonly exampleData?: TensorElement[];
}

/** What a model takes and returns, in v2 terms. */
export interface ModelSignature {
  /** Input tensors, in the order the model declares them. */
  readonly inputs: TensorSpec[];

  /**
   * Output tensors. When given, the example request asks for exactly these.
   *
   * @default - none listed: the server returns every output
   */
  readonly outputs?: TensorSpec[];
}

/** One input tensor of a v2 inference request. */
export interface V2RequestInput {
  readonly name: string;
  readonly shape: number[];
  readonly datatype: string;
  readonly data: TensorElement[];
}

/** A v2 inference request body (`POST /v2/models/<name>/infer`). */
export interface V2InferenceRequest {
  readonly id?: string;
  readonly inputs: V2RequestInput[];
  readonly outputs?: { readonly name: string }[];
}

const INTEGER_RANGE: Partial<Record<V2Datatype, [number, number]>> = {
  [V2Datatype.UINT8]: [0, 255],
  [V2Datatype.UINT16]: [0, 65535],
  [V2Datatype.UINT32]: [0, 4294967295],
  [V2Datatype.UINT64]: [0, Number.MAX_SAFE_INTEGER],
  [V2Datatype.INT8]: [-128, 127],
  [V2Datatype.INT16]: [-32768, 32767],
  [V2Datatype.INT32]: [-2147483648, 2147483647],
  [V2Datatype.INT64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
const FLOATS = new Set<string>([V2Datatype.FP16, V2Datatype.FP32, V2Datatype.FP64, V2Datatype.BF16]);
const DATATYPES = new Set<string>(Object.values(V2Datatype));

/** What is wrong with one element for a datatype, or undefined when it fits. */
function elementProblem(datatype: string, x: unknown): string | undefined {
  if (datatype === V2Datatype.BOOL) return typeof x === 'boolean' ? undefined : 'must be true or false';
  if (datatype === V2Datatype.BYTES) return typeof x === 'string' ? undefined : 'must be a string';
  if (FLOATS.has(datatype)) return typeof x === 'number' && Number.isFinite(x) ? undefined : 'must be a finite number';
  const range = INTEGER_RANGE[datatype as V2Datatype];
  if (range) {
    return typeof x === 'number' && Number.isInteger(x) && x >= range[0] && x <= range[1]
      ? undefined
      : `must be a whole number from ${range[0]} to ${range[1]}`;
  }
  return undefined;
}

/** One deterministic example element: small values every datatype can hold. */
function exampleElement(datatype: V2Datatype, i: number): TensorElement {
  switch (datatype) {
    case V2Datatype.BOOL: return i % 2 === 0;
    case V2Datatype.BYTES: return `example-${i}`;
    case V2Datatype.FP16: case V2Datatype.FP32: case V2Datatype.FP64: case V2Datatype.BF16:
      return (i % 10) / 10;
    default:
      // Signed types get small negatives too; every integer type holds -64..63 or 0..127.
      return datatype.startsWith('U') ? i % 128 : (i % 128) - 64;
  }
}

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The concrete shape of a tensor's example: `exampleShape`, else `shape` with -1 as 1. */
export function exampleShapeOf(tensor: TensorSpec): number[] {
  return tensor.exampleShape ?? tensor.shape.map(d => (d === -1 ? 1 : d));
}

/** A problem with a signature or request: where (a JSON path) and what is expected. */
export interface V2Problem {
  /** Path of the field, such as `inputs[0].shape` or `signature.inputs[1].exampleData[3]`. */
  readonly field: string;
  /** The value found. */
  readonly value: unknown;
  /** What is expected. */
  readonly expected: string;
}

/**
 * Checks a model signature: names, datatypes, shapes, and that the example it describes is a
 * valid v2 request. Every problem is returned.
 */
export function checkSignature(signature: ModelSignature, field = 'signature'): V2Problem[] {
  const problems: V2Problem[] = [];
  const add = (f: string, value: unknown, expected: string) => problems.push({ field: f, value, expected });
  if (!Array.isArray(signature.inputs) || signature.inputs.length === 0) add(`${field}.inputs`, signature.inputs, 'must list at least one input tensor');
  for (const [list, tensors] of [['inputs', signature.inputs ?? []], ['outputs', signature.outputs ?? []]] as const) {
    const seen = new Set<string>();
    tensors.forEach((t, i) => {
      const at = `${field}.${list}[${i}]`;
      if (typeof t.name !== 'string' || t.name.trim() === '') add(`${at}.name`, t.name, 'must be the tensor name');
      else if (seen.has(t.name)) add(`${at}.name`, t.name, `must be unique among the ${list}`);
      seen.add(t.name);
      if (!DATATYPES.has(t.datatype)) add(`${at}.datatype`, t.datatype, `must be a v2 datatype: ${[...DATATYPES].join(', ')}`);
      if (!Array.isArray(t.shape) || t.shape.some(d => !(Number.isInteger(d) && d >= -1))) {
        add(`${at}.shape`, t.shape, 'must be a list of whole numbers, each at least 0 or -1 for a variable dimension');
        return;
      }
      if (list === 'outputs') return;
      const shape = exampleShapeOf(t);
      if (t.exampleShape !== undefined) {
        const fits = Array.isArray(t.exampleShape) && t.exampleShape.length === t.shape.length
          && t.exampleShape.every((d, k) => Number.isInteger(d) && d >= 0 && (t.shape[k] === -1 || t.shape[k] === d));
        if (!fits) add(`${at}.exampleShape`, t.exampleShape, `must have the dimensions of shape ${JSON.stringify(t.shape)}, with a size of at least 0 for each -1`);
      }
      if (t.exampleData !== undefined) {
        const count = product(shape);
        if (!Array.isArray(t.exampleData) || t.exampleData.length !== count) {
          add(`${at}.exampleData`, Array.isArray(t.exampleData) ? `${t.exampleData.length} values` : t.exampleData,
            `must have ${count} values, the product of the example shape ${JSON.stringify(shape)}`);
        } else if (DATATYPES.has(t.datatype)) {
          const bad = t.exampleData.findIndex(x => elementProblem(t.datatype, x) !== undefined);
          if (bad >= 0) add(`${at}.exampleData[${bad}]`, t.exampleData[bad], `${elementProblem(t.datatype, t.exampleData[bad])} (${t.datatype})`);
        }
      }
    });
  }
  return problems;
}

/** Options of `exampleRequest`. */
export interface ExampleRequestOptions {
  /**
   * The request `id`, echoed by the server.
   *
   * @default - none
   */
  readonly id?: string;
}

/**
 * The v2 inference request a signature describes, with deterministic values (or each input's
 * `exampleData`), data flattened row-major. Outputs are listed when the signature has any.
 */
export function exampleRequest(signature: ModelSignature, options: ExampleRequestOptions = {}): V2InferenceRequest {
  const inputs = signature.inputs.map(t => {
    const shape = exampleShapeOf(t);
    const data = t.exampleData ?? Array.from({ length: product(shape) }, (_, i) => exampleElement(t.datatype, i));
    return { name: t.name, shape, datatype: t.datatype, data: [...data] };
  });
  const outputs = signature.outputs && signature.outputs.length > 0 ? signature.outputs.map(t => ({ name: t.name })) : undefined;
  return { ...(options.id !== undefined ? { id: options.id } : {}), inputs, ...(outputs ? { outputs } : {}) };
}

/** Flattens nested data, reporting where the nesting does not follow the shape. */
function flatten(data: unknown, shape: number[], at: string, problems: V2Problem[]): unknown[] | undefined {
  if (!Array.isArray(data)) {
    problems.push({ field: at, value: data, expected: 'must be an array (flat, or nested following shape)' });
    return undefined;
  }
  if (!data.some(Array.isArray)) return data;
  // Nested: each level has the size of its dimension.
  const walk = (x: unknown, depth: number, path: string): unknown[] | undefined => {
    if (depth === shape.length) {
      if (Array.isArray(x)) {
        problems.push({ field: path, value: x, expected: `must be one element: the data is nested deeper than the shape's ${shape.length} dimensions` });
        return undefined;
      }
      return [x];
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) {
      problems.push({ field: path, value: Array.isArray(x) ? `${x.length} items` : x, expected: `must be an array of ${shape[depth]} items (dimension ${depth} of shape ${JSON.stringify(shape)})` });
      return undefined;
    }
    const out: unknown[] = [];
    for (let i = 0; i < x.length; i++) {
      const inner = walk(x[i], depth + 1, `${path}[${i}]`);
      if (!inner) return undefined;
      out.push(...inner);
    }
    return out;
  };
  return walk(data, 0, at);
}

/**
 * Checks a v2 inference request body against the protocol's rules (kserve.md §7): `inputs` is a
 * non-empty array; each input has a name, a shape of non-negative whole numbers, a v2 datatype,
 * and data (flat, or nested following the shape) whose element count is the product of the shape
 * and whose elements fit the datatype. With a signature, the inputs must also match it by name,
 * datatype and fixed dimensions. Every problem is returned.
 */
export function checkInferenceRequest(body: unknown, signature?: ModelSignature): V2Problem[] {
  const problems: V2Problem[] = [];
  const add = (field: string, value: unknown, expected: string) => problems.push({ field, value, expected });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    add('(body)', body, 'must be a JSON object with "inputs"');
    return problems;
  }
  const request = body as Record<string, unknown>;
  if (request.id !== undefined && typeof request.id !== 'string') add('id', request.id, 'must be a string');
  const inputs = request.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) {
    add('inputs', inputs, 'must be a non-empty array of input tensors');
    return problems;
  }
  const names = new Set<string>();
  inputs.forEach((input: any, i) => {
    const at = `inputs[${i}]`;
    if (typeof input !== 'object' || input === null) {
      add(at, input, 'must be an object with name, shape, datatype and data');
      return;
    }
    if (typeof input.name !== 'string' || input.name === '') add(`${at}.name`, input.name, 'must be the tensor name');
    else if (names.has(input.name)) add(`${at}.name`, input.name, 'must be unique among the inputs');
    names.add(input.name);
    const shapeOk = Array.isArray(input.shape) && input.shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0);
    if (!shapeOk) add(`${at}.shape`, input.shape, 'must be a list of whole numbers, each at least 0');
    const datatypeOk = DATATYPES.has(input.datatype);
    if (!datatypeOk) add(`${at}.datatype`, input.datatype, `must be a v2 datatype: ${[...DATATYPES].join(', ')}`);
    if (!shapeOk) return;
    const data = flatten(input.data, input.shape, `${at}.data`, problems);
    if (!data) return;
    const count = product(input.shape);
    if (data.length !== count) {
      add(`${at}.data`, `${data.length} elements`, `must have ${count} elements, the product of shape ${JSON.stringify(input.shape)}`);
      return;
    }
    if (datatypeOk) {
      const bad = data.findIndex(x => elementProblem(input.datatype, x) !== undefined);
      if (bad >= 0) add(`${at}.data`, data[bad], `element ${bad} ${elementProblem(input.datatype, data[bad])} (${input.datatype})`);
    }
  });
  if (request.outputs !== undefined) {
    if (!Array.isArray(request.outputs)) add('outputs', request.outputs, 'must be an array of {name}');
    else request.outputs.forEach((o: any, i) => { if (typeof o?.name !== 'string' || o.name === '') add(`outputs[${i}].name`, o?.name, 'must be an output tensor name'); });
  }
  if (signature) {
    const byName = new Map(inputs.filter((x: any) => typeof x?.name === 'string').map((x: any) => [x.name, x]));
    for (const t of signature.inputs) {
      const input: any = byName.get(t.name);
      if (!input) {
        add('inputs', [...byName.keys()], `must include ${JSON.stringify(t.name)}, an input of the model`);
        continue;
      }
      const at = `inputs[${inputs.indexOf(input)}]`;
      if (input.datatype !== t.datatype) add(`${at}.datatype`, input.datatype, `must be ${t.datatype}, the model's datatype for ${JSON.stringify(t.name)}`);
      const fits = Array.isArray(input.shape) && input.shape.length === t.shape.length && t.shape.every((d, k) => d === -1 || d === input.shape[k]);
      if (!fits) add(`${at}.shape`, input.shape, `must match the model's shape ${JSON.stringify(t.shape)} (-1: any size)`);
    }
    for (const name of byName.keys()) {
      if (!signature.inputs.some(t => t.name === name)) add('inputs', name, `must be one of the model's inputs: ${signature.inputs.map(t => t.name).join(', ')}`);
    }
  }
  return problems;
}

/**
 * JSON text of a v2 request: indented, with arrays of numbers, strings or booleans (shapes,
 * data) on one line, so that large tensors stay readable and diffs stay small.
 */
export function formatRequest(request: V2InferenceRequest): string {
  const write = (x: unknown, indent: string): string => {
    if (Array.isArray(x)) {
      if (x.every(v => v === null || typeof v !== 'object')) return `[${x.map(v => JSON.stringify(v)).join(', ')}]`;
      const inner = indent + '  ';
      return `[\n${x.map(v => inner + write(v, inner)).join(',\n')}\n${indent}]`;
    }
    if (x !== null && typeof x === 'object') {
      const inner = indent + '  ';
      const entries = Object.entries(x).filter(([, v]) => v !== undefined);
      return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner)}`).join(',\n')}\n${indent}}`;
    }
    return JSON.stringify(x);
  };
  return `${write(request, '')}\n`;
}
