/**
 * The generated JMeter plans, checked structurally: the XML is parsed and its element tree,
 * properties and bodies asserted, and the sampler's variables are resolved the way JMeter
 * resolves them to check the request each component gets. test/jmeter-run.test.ts runs them in
 * real JMeter.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { XMLParser } from 'fast-xml-parser';
import { DeploymentMode, InferenceServiceChart, JMETER_PROPERTIES, synthToDirectory, V2Datatype } from '../lib';

const DIST = path.resolve(__dirname, '..', 'dist');

interface Node {
  readonly tag: string;
  readonly attrs: Record<string, string>;
  readonly children: Node[];
  readonly text?: string;
}

function parse(xml: string): Node {
  const raw = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, trimValues: false }).parse(xml);
  const convert = (entry: any): Node | undefined => {
    const tag = Object.keys(entry).find(k => k !== ':@');
    if (!tag || tag === '#text' || tag === '?xml') return undefined;
    const kids: any[] = entry[tag];
    const text = kids.filter(k => '#text' in k).map(k => k['#text']).join('');
    const children = kids.map(convert).filter((x): x is Node => x !== undefined);
    return { tag, attrs: entry[':@'] ?? {}, children, text: children.length === 0 ? text : undefined };
  };
  return raw.map(convert).find((x: Node | undefined) => x !== undefined);
}

function all(node: Node): Node[] {
  return [node, ...node.children.flatMap(all)];
}

/** The test elements (nodes with a testclass) and, for each, the hashTree after it. */
function testElements(root: Node): { el: Node; tree: Node }[] {
  const out: { el: Node; tree: Node }[] = [];
  const walk = (tree: Node) => {
    for (let i = 0; i < tree.children.length; i += 2) {
      const el = tree.children[i];
      const next = tree.children[i + 1];
      if (!next || next.tag !== 'hashTree') throw new Error(`${el.tag} "${el.attrs.testname}" is not followed by its hashTree`);
      out.push({ el, tree: next });
      walk(next);
    }
  };
  walk(root.children[0]);
  return out;
}

const propOf = (el: Node, name: string) => el.children.find(c => c.attrs.name === name);

/** Core test elements and GUI classes present in JMeter 2.13's bin/saveservice.properties and in 5.6's. */
const CORE_2_13 = {
  testclass: ['TestPlan', 'ThreadGroup', 'LoopController', 'Arguments', 'HTTPSamplerProxy', 'HeaderManager', 'UserParameters', 'CSVDataSet', 'ResponseAssertion', 'ResultCollector'],
  guiclass: ['TestPlanGui', 'ThreadGroupGui', 'LoopControlPanel', 'ArgumentsPanel', 'HttpTestSampleGui', 'HeaderPanel', 'UserParametersGui', 'TestBeanGUI', 'AssertionGui', 'SummaryReport', 'StatVisualizer'],
  /** __P (1.x), __V (2.3), __FileToString (2.4), __UUID (2.9). */
  functions: ['__P', '__V', '__FileToString', '__UUID'],
};

/** Resolves `${...}` the way JMeter does for these functions, with `-J` properties and variables. */
function resolve(text: string, props: Record<string, string>, vars: Record<string, string>): string {
  let out = text;
  for (let guard = 0; guard < 20 && out.includes('${'); guard++) {
    // Innermost first: a ${...} with no ${ inside.
    out = out.replace(/\$\{([^${}]*)\}/g, (_, inner: string) => {
      const fn = /^(__\w+)\((.*)\)$/.exec(inner);
      if (!fn) return vars[inner] ?? `\${${inner}}`;
      const args = fn[2].split(',');
      if (fn[1] === '__P') return props[args[0]] ?? args.slice(1).join(',');
      if (fn[1] === '__V') return vars[args[0]] ?? '';
      if (fn[1] === '__UUID') return '00000000-0000-4000-8000-000000000000';
      throw new Error(`unknown function ${fn[1]}`);
    });
  }
  return out;
}

describe('the JMeter plan beside each chart', () => {
  const xml = fs.readFileSync(path.join(DIST, 'prod', 'test.jmx'), 'utf8');
  const root = parse(xml);
  const elements = testElements(root);

  test('a 5.x save-format header and a TestPlan whose elements each have their hashTree', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">')).toBe(true);
    expect(root.tag).toBe('jmeterTestPlan');
    expect(elements[0].el.tag).toBe('TestPlan');
    expect(elements.map(e => e.el.tag)).toEqual([
      'TestPlan',
      'ThreadGroup', 'UserParameters', 'HTTPSamplerProxy', 'HeaderManager', 'ResponseAssertion', 'ResponseAssertion',
      'ThreadGroup', 'CSVDataSet', 'HTTPSamplerProxy', 'HeaderManager', 'ResponseAssertion', 'ResponseAssertion',
      'ResultCollector', 'ResultCollector',
    ]);
    expect(elements.filter(e => e.el.tag === 'ResultCollector').map(e => e.el.attrs.guiclass)).toEqual(['SummaryReport', 'StatVisualizer']);
  });

  test('only core elements and functions that JMeter 2.13 to 5.6 all know', () => {
    const nodes = all(root);
    for (const n of nodes.filter(x => x.attrs.testclass)) {
      expect(CORE_2_13.testclass).toContain(n.attrs.testclass);
      expect(CORE_2_13.guiclass).toContain(n.attrs.guiclass);
    }
    const functions = new Set([...xml.matchAll(/\$\{(__\w+)\(/g)].map(m => m[1]));
    expect([...functions].filter(f => !CORE_2_13.functions.includes(f))).toEqual([]);
  });

  test('every setting is a -J property with its documented default, and every property is used', () => {
    const used = [...xml.matchAll(/\$\{__P\((\w+),([^)]*)\)\}/g)].map(m => [m[1], m[2]] as const);
    for (const [name, def] of used) expect(JMETER_PROPERTIES[name]?.default).toBe(def);
    // inputs_dir only where an example request is too large to inline (test/jmeter-run.test.ts).
    expect(new Set(used.map(u => u[0]))).toEqual(new Set(Object.keys(JMETER_PROPERTIES).filter(k => k !== 'inputs_dir')));
    const group = elements.find(e => e.el.tag === 'ThreadGroup')!.el;
    expect(propOf(group, 'ThreadGroup.num_threads')?.text).toBe('${__P(threads,10)}');
    expect(propOf(group, 'ThreadGroup.ramp_time')?.text).toBe('${__P(rampup,10)}');
    expect(propOf(group, 'ThreadGroup.duration')?.text).toBe('${__P(duration,60)}');
    expect(propOf(group, 'ThreadGroup.scheduler')?.text).toBe('true');
  });

  test.each([
    ['entry', {}, 'test.default.example.com', 'test.json'],
    ['transformer', { component: 'transformer' }, 'test-transformer.default.example.com', 'test.json'],
    ['predictor', { component: 'predictor', port: '9090', host: '10.0.0.5' }, 'test-predictor.default.example.com', 'test-predictor.json'],
  ])('component %s: the request JMeter sends is what ENDPOINTS.md sends', (_, props: Record<string, string>, host, example) => {
    const variables = propOf(elements[0].el, 'TestPlan.user_defined_variables')!.children[0].children;
    const vars: Record<string, string> = {};
    for (const a of variables) vars[propOf(a, 'Argument.name')!.text!] = resolve(propOf(a, 'Argument.value')!.text!, props, vars);
    const sampler = elements.find(e => e.el.tag === 'HTTPSamplerProxy')!;
    const r = (name: string) => resolve(propOf(sampler.el, name)!.text!, props, vars);
    expect(r('HTTPSampler.method')).toBe('POST');
    expect(r('HTTPSampler.domain')).toBe(props.host ?? '127.0.0.1');
    expect(r('HTTPSampler.port')).toBe(props.port ?? '8080');
    expect(r('HTTPSampler.path')).toBe('/v2/models/test/infer');
    // The JDK's HTTP client sends the Host header as given; HttpClient 4 would add the port.
    expect(r('HTTPSampler.implementation')).toBe('Java');
    const body = resolve(propOf(sampler.el, 'HTTPsampler.Arguments')!.children[0].children[0].children.find(c => c.attrs.name === 'Argument.value')!.text!, props, vars);
    expect(body).toBe(fs.readFileSync(path.join(DIST, 'prod', 'example_inputs', example), 'utf8').trim());
    const headers = Object.fromEntries(sampler.tree.children[0].children[0].children.map(h => [propOf(h, 'Header.name')!.text!, resolve(propOf(h, 'Header.value')!.text!, props, { ...vars, request_id: 'id-1' })]));
    expect(headers).toEqual({ 'Host': host, 'Content-Type': 'application/json', 'x-request-id': 'id-1', 'ce-id': 'id-1' });
    // The same hosts as ENDPOINTS.md's curl commands.
    expect(fs.readFileSync(path.join(DIST, 'prod', 'ENDPOINTS.md'), 'utf8')).toContain(host);
  });

  test('request ids: a UUID per iteration in one group, a CSV of ids in the other (0 users unless asked)', () => {
    const params = elements.find(e => e.el.tag === 'UserParameters')!.el;
    expect(propOf(params, 'UserParameters.per_iteration')?.text).toBe('true');
    expect(all(params).some(n => n.text === '${__UUID()}')).toBe(true);
    const csv = elements.find(e => e.el.tag === 'CSVDataSet')!.el;
    expect(propOf(csv, 'filename')?.text).toBe('${__P(ids_file,request-ids.csv)}');
    expect(propOf(csv, 'variableNames')?.text).toBe('request_id');
    // Each id once; a user stops at the end of the file, or at once without one (never "<EOF>" as an id).
    expect([propOf(csv, 'recycle')?.text, propOf(csv, 'stopThread')?.text, propOf(csv, 'shareMode')?.text]).toEqual(['false', 'true', 'shareMode.all']);
    const groups = elements.filter(e => e.el.tag === 'ThreadGroup').map(e => propOf(e.el, 'ThreadGroup.num_threads')?.text);
    expect(groups).toEqual(['${__P(threads,10)}', '${__P(csv_threads,0)}']);
  });

  test('responses are asserted: status 200 and a v2 body with outputs', () => {
    const assertions = elements.filter(e => e.el.tag === 'ResponseAssertion').slice(0, 2).map(e => e.el);
    expect(assertions.map(a => [propOf(a, 'Assertion.test_field')?.text, propOf(a, 'Asserion.test_strings')?.children[0].text, propOf(a, 'Assertion.test_type')?.text]))
      .toEqual([['Assertion.response_code', '200', '8'], ['Assertion.response_data', '"outputs"', '16']]);
  });

  test('folders without example requests get no plan; the GitOps folders none', () => {
    expect(fs.readdirSync(path.join(DIST, 'dev')).filter(f => f.endsWith('.jmx'))).toEqual(['test.jmx']);
    for (const folder of ['argocd', 'flux', 'gpu-check']) expect(fs.readdirSync(path.join(DIST, folder)).filter(f => f.endsWith('.jmx'))).toEqual([]);
  });
});

describe('Standard mode: the plan, load targets and ENDPOINTS.md reach the transformer through the InferenceService host', () => {
  // kserve v0.20.0 pkg/controller/v1beta1/inferenceservice/reconcilers/ingress/kube_ingress_reconciler.go:277-278:
  // the top-level host goes to the transformer, <isvc>-transformer-<ns>.<domain> to the predictor.
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jmx-standard-')), 'dist');
  synthToDirectory(props => {
    const app = new App(props);
    new InferenceServiceChart(app, 'test', {
      deploymentMode: DeploymentMode.STANDARD, modelUri: 'pvc://m/test',
      predictor: { maxReplicas: 2, signature: { inputs: [{ name: 'INPUT__0', datatype: V2Datatype.FP32, shape: [1, 4] }] } },
      transformer: { image: 'registry.example.com/pre:1.0.0', maxReplicas: 2, signature: { inputs: [{ name: 'text', datatype: V2Datatype.BYTES, shape: [1] }] } },
    });
    return app;
  }, out);
  const xml = fs.readFileSync(path.join(out, 'test.jmx'), 'utf8');
  const argument = (name: string) => new RegExp(`<stringProp name="Argument.name">${name}</stringProp>\\s*<stringProp name="Argument.value">([^<]*)</stringProp>`).exec(xml)?.[1];

  test('JMeter: the transformer component sends the InferenceService host', () => {
    expect(argument('test_host_entry')).toBe('test-default.example.com');
    expect(argument('test_host_transformer')).toBe('test-default.example.com');
    expect(argument('test_host_predictor')).toBe('test-predictor-default.example.com');
    expect(xml).not.toContain('test-transformer-default.example.com');
  });

  test('loadtest/targets.json: --component transformer calls the InferenceService host', () => {
    const targets = JSON.parse(fs.readFileSync(path.join(out, 'loadtest', 'targets.json'), 'utf8')).inferenceServices[0].targets;
    expect(targets.transformer).toEqual({ host: 'test-default.example.com', path: '/v2/models/test/infer', request: 'example_inputs/test.json' });
    expect(targets.predictor.host).toBe('test-predictor-default.example.com');
  });
});
