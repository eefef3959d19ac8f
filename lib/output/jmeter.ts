import { ExampleInputs } from './endpoints';
import { InferenceService } from '../constructs/inference-service';
import { LoadTarget, loadTargetsOf, targetBody } from './load-targets';

/**
 * The JMeter test elements a generated plan uses, by `testclass`, with their `guiclass`. All are
 * core JMeter elements present, under these names, from JMeter 2.13 to 5.6 (bin/saveservice.properties
 * of each release), so the plan loads in any of them.
 */
export const JMETER_ELEMENTS: Record<string, string> = {
  TestPlan: 'TestPlanGui',
  Arguments: 'ArgumentsPanel',
  ThreadGroup: 'ThreadGroupGui',
  LoopController: 'LoopControlPanel',
  HTTPSamplerProxy: 'HttpTestSampleGui',
  HeaderManager: 'HeaderPanel',
  UserParameters: 'UserParametersGui',
  CSVDataSet: 'TestBeanGUI',
  ResponseAssertion: 'AssertionGui',
  ResultCollector: 'SummaryReport',
};

/**
 * Example requests up to this size (bytes) are inlined in the plan; a larger one (a 1×3×224×224
 * FP32 image is about 740 KB) is read from its `example_inputs/` file when the test starts, with
 * `__FileToString` (JMeter 2.4 and later), so the plan stays small.
 */
export const INLINE_BODY_LIMIT = 64 * 1024;

/**
 * The `-J` properties of a generated plan, with their defaults. The defaults call the ingress
 * gateway port-forwarded to 127.0.0.1:8080, as ENDPOINTS.md does.
 */
export const JMETER_PROPERTIES: Record<string, { readonly default: string; readonly description: string }> = {
  threads: { default: '10', description: 'concurrent users (requests with generated ids)' },
  rampup: { default: '10', description: 'seconds to start all users' },
  duration: { default: '60', description: 'seconds the test runs' },
  host: { default: '127.0.0.1', description: 'address of the ingress gateway' },
  port: { default: '8080', description: 'port of the ingress gateway' },
  scheme: { default: 'http', description: 'http or https' },
  component: { default: 'entry', description: 'which part to call: entry (the InferenceService host), transformer or predictor' },
  csv_threads: { default: '0', description: 'concurrent users whose request ids come from ids_file' },
  ids_file: { default: 'request-ids.csv', description: 'one request id per line, each sent once, for the csv_threads users (relative to the plan\'s folder, or absolute)' },
  inputs_dir: { default: 'example_inputs', description: `the example_inputs/ folder, relative to where JMeter runs (read only for example requests over ${INLINE_BODY_LIMIT / 1024} KiB, which the plan does not inline)` },
  connect_timeout: { default: '5000', description: 'milliseconds to connect' },
  response_timeout: { default: '60000', description: 'milliseconds to wait for a response' },
};

/** One XML element: tag, attributes, and children or text. */
interface Xml {
  readonly tag: string;
  readonly attrs?: Record<string, string>;
  readonly children?: Xml[];
  readonly text?: string;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function render(x: Xml, indent: string): string {
  const attrs = Object.entries(x.attrs ?? {}).map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
  if (x.text !== undefined) return `${indent}<${x.tag}${attrs}>${escape(x.text)}</${x.tag}>`;
  if (!x.children || x.children.length === 0) return `${indent}<${x.tag}${attrs}/>`;
  return [`${indent}<${x.tag}${attrs}>`, ...x.children.map(c => render(c, `${indent}  `)), `${indent}</${x.tag}>`].join('\n');
}

const str = (name: string, value: string): Xml => ({ tag: 'stringProp', attrs: { name }, text: value });
const bool = (name: string, value: boolean): Xml => ({ tag: 'boolProp', attrs: { name }, text: String(value) });
const int = (name: string, value: number): Xml => ({ tag: 'intProp', attrs: { name }, text: String(value) });
const prop = (name: string): string => `\${__P(${name},${JMETER_PROPERTIES[name].default})}`;

/** A test element, followed by the hashTree of its children (JMeter's save format). */
function element(testclass: string, testname: string, props: Xml[], children: Xml[][] = [], extra: Record<string, string> = {}): Xml[] {
  const guiclass = JMETER_ELEMENTS[testclass];
  return [
    { tag: testclass, attrs: { guiclass: extra.guiclass ?? guiclass, testclass, testname, enabled: 'true' }, children: props },
    { tag: 'hashTree', children: children.flat() },
  ];
}

function argument(name: string, value: string): Xml {
  return { tag: 'elementProp', attrs: { name, elementType: 'Argument' }, children: [str('Argument.name', name), str('Argument.value', value), str('Argument.metadata', '=')] };
}

function header(name: string, value: string): Xml {
  return { tag: 'elementProp', attrs: { name: '', elementType: 'Header' }, children: [str('Header.name', name), str('Header.value', value)] };
}

/**
 * The body a target sends, as the plan gives it: inline, or read from its example file when the
 * test starts. JMeter resolves a relative `__FileToString` path against the folder it runs in
 * (2.13 and 5.6.3 alike: src/functions/.../FileToString.java `new File(fileName)`), hence the
 * `inputs_dir` property.
 */
function planBody(target: LoadTarget): string {
  const body = targetBody(target);
  if (Buffer.byteLength(body) <= INLINE_BODY_LIMIT || target.exampleFile === undefined) return body;
  return `\${__FileToString(${prop('inputs_dir')}/${target.exampleFile},UTF-8)}`;
}

/** The variables of one InferenceService: host, path and body per component, prefixed with its name. */
function variables(isvc: InferenceService, examples: ExampleInputs): Xml[] {
  return loadTargetsOf(isvc, examples).flatMap(t => [
    argument(`${isvc.name}_host_${t.component}`, t.host),
    argument(`${isvc.name}_path_${t.component}`, t.path),
    argument(`${isvc.name}_body_${t.component}`, planBody(t)),
  ]);
}

/** The requests of one InferenceService, in a thread group whose users get their ids from `ids`. */
function threadGroup(isvc: InferenceService, ids: 'uuid' | 'csv'): Xml[] {
  const v = (what: string) => `\${__V(${isvc.name}_${what}_\${component})}`;
  const sampler = element('HTTPSamplerProxy', `POST ${isvc.name} v2 infer`, [
    bool('HTTPSampler.postBodyRaw', true),
    { tag: 'elementProp', attrs: { name: 'HTTPsampler.Arguments', elementType: 'Arguments' }, children: [
      { tag: 'collectionProp', attrs: { name: 'Arguments.arguments' }, children: [
        { tag: 'elementProp', attrs: { name: '', elementType: 'HTTPArgument' }, children: [
          bool('HTTPArgument.always_encode', false), str('Argument.value', v('body')), str('Argument.metadata', '='),
        ] },
      ] },
    ] },
    str('HTTPSampler.domain', prop('host')),
    str('HTTPSampler.port', prop('port')),
    str('HTTPSampler.protocol', prop('scheme')),
    str('HTTPSampler.contentEncoding', 'UTF-8'),
    str('HTTPSampler.path', v('path')),
    str('HTTPSampler.method', 'POST'),
    // The JDK's HttpURLConnection sends the Host header as given. HttpClient 4, JMeter's default,
    // adds the URL's port to it: always in 2.13 (HTTPHC4Impl.java:876-884, the URL port in the
    // virtual host), and in 5.6.3 unless the header names the scheme's default port
    // (HTTPHC4Impl.java:1412-1423), so a gateway matching hosts exactly would not route
    // `test.default.example.com:8080`. The JDK lets a Host header through because JMeter's
    // bin/system.properties sets sun.net.http.allowRestrictedHeaders=true (2.13 and 5.6.3).
    str('HTTPSampler.implementation', 'Java'),
    bool('HTTPSampler.follow_redirects', false),
    bool('HTTPSampler.auto_redirects', false),
    bool('HTTPSampler.use_keepalive', true),
    bool('HTTPSampler.DO_MULTIPART_POST', false),
    str('HTTPSampler.connect_timeout', prop('connect_timeout')),
    str('HTTPSampler.response_timeout', prop('response_timeout')),
  ], [
    element('HeaderManager', 'Host, Content-Type, request id', [
      { tag: 'collectionProp', attrs: { name: 'HeaderManager.headers' }, children: [
        header('Host', v('host')),
        header('Content-Type', 'application/json'),
        // One id per request, in both headers: the logger's CloudEvent ce-id and the request id match.
        header('x-request-id', '${request_id}'),
        header('ce-id', '${request_id}'),
      ] },
    ]),
    element('ResponseAssertion', 'HTTP 200', [
      { tag: 'collectionProp', attrs: { name: 'Asserion.test_strings' }, children: [str('49586', '200')] },
      str('Assertion.test_field', 'Assertion.response_code'),
      bool('Assertion.assume_success', false),
      int('Assertion.test_type', 8),
    ]),
    element('ResponseAssertion', 'v2 response has outputs', [
      { tag: 'collectionProp', attrs: { name: 'Asserion.test_strings' }, children: [str('-1185294497', '"outputs"')] },
      str('Assertion.test_field', 'Assertion.response_data'),
      bool('Assertion.assume_success', false),
      int('Assertion.test_type', 16),
    ]),
  ]);
  const idSource = ids === 'uuid'
    ? element('UserParameters', 'request id: a UUID per request', [
      { tag: 'collectionProp', attrs: { name: 'UserParameters.names' }, children: [str('request_id', 'request_id')] },
      { tag: 'collectionProp', attrs: { name: 'UserParameters.thread_values' }, children: [
        { tag: 'collectionProp', attrs: { name: 'thread' }, children: [str('uuid', '${__UUID()}')] },
      ] },
      bool('UserParameters.per_iteration', true),
    ])
    : element('CSVDataSet', 'request id: one per line of ids_file', [
      str('filename', prop('ids_file')),
      str('fileEncoding', 'UTF-8'),
      str('variableNames', 'request_id'),
      bool('ignoreFirstLine', false),
      str('delimiter', ','),
      bool('quotedData', false),
      // Each id once, shared by the group's users; a user stops at the end of the file (and at
      // once when there is no file: recycling would send "<EOF>" as every id).
      bool('recycle', false),
      bool('stopThread', true),
      str('shareMode', 'shareMode.all'),
    ], [], { guiclass: 'TestBeanGUI' });
  const threads = ids === 'uuid' ? prop('threads') : prop('csv_threads');
  return element('ThreadGroup', `${isvc.name}: ${ids === 'uuid' ? 'generated request ids' : 'request ids from ids_file'}`, [
    str('ThreadGroup.on_sample_error', 'continue'),
    { tag: 'elementProp', attrs: { name: 'ThreadGroup.main_controller', elementType: 'LoopController', guiclass: 'LoopControlPanel', testclass: 'LoopController', testname: 'Loop Controller', enabled: 'true' }, children: [
      bool('LoopController.continue_forever', false),
      // A string, as JMeter 2.13 saves it; 5.x reads both.
      str('LoopController.loops', '-1'),
    ] },
    str('ThreadGroup.num_threads', threads),
    str('ThreadGroup.ramp_time', prop('rampup')),
    bool('ThreadGroup.scheduler', true),
    str('ThreadGroup.duration', prop('duration')),
    str('ThreadGroup.delay', '0'),
  ], [idSource, sampler]);
}

function listener(guiclass: string, testname: string): Xml[] {
  return element('ResultCollector', testname, [
    bool('ResultCollector.error_logging', false),
    str('filename', ''),
  ], [], { guiclass });
}

/**
 * A JMeter plan (`.jmx`) that load-tests the InferenceServices of one chart with their example
 * v2 requests: per InferenceService, a thread group of users with generated request ids and one
 * whose ids come from a CSV file, each POSTing to `/v2/models/<name>/infer` with the `Host`,
 * `Content-Type`, `x-request-id` and `ce-id` headers, checked by status and body, plus summary and
 * aggregate listeners. Everything is a `-J` property (`JMETER_PROPERTIES`).
 *
 * ```sh
 * jmeter -n -t dist/prod/test.jmx -Jthreads=20 -Jduration=120 -Jcomponent=predictor -l results.jtl
 * ```
 */
export function jmeterPlan(title: string, isvcs: { isvc: InferenceService; examples: ExampleInputs }[]): string {
  const userVariables: Xml = {
    tag: 'elementProp', attrs: { name: 'TestPlan.user_defined_variables', elementType: 'Arguments', guiclass: 'ArgumentsPanel', testclass: 'Arguments', testname: 'User Defined Variables', enabled: 'true' },
    children: [{ tag: 'collectionProp', attrs: { name: 'Arguments.arguments' }, children: [
      argument('component', prop('component')),
      ...isvcs.flatMap(x => variables(x.isvc, x.examples)),
    ] }],
  };
  const usage = Object.entries(JMETER_PROPERTIES).map(([k, p]) => `-J${k}=${p.default}: ${p.description}`).join('\n');
  const plan = element('TestPlan', title, [
    str('TestPlan.comments', `Generated by cdk8s-kserve from the chart's InferenceServices and their example requests. Properties:\n${usage}`),
    bool('TestPlan.functional_mode', false),
    bool('TestPlan.serialize_threadgroups', false),
    userVariables,
    str('TestPlan.user_define_classpath', ''),
  ], [
    ...isvcs.flatMap(x => [threadGroup(x.isvc, 'uuid'), threadGroup(x.isvc, 'csv')]),
    listener('SummaryReport', 'Summary Report'),
    listener('StatVisualizer', 'Aggregate Report'),
  ]);
  const root: Xml = { tag: 'jmeterTestPlan', attrs: { version: '1.2', properties: '5.0', jmeter: '5.6.3' }, children: [{ tag: 'hashTree', children: plan }] };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${render(root, '')}\n`;
}
