/**
 * The in-cluster load test (LoadTestJob): the Indexed Job and its ConfigMap, validated against
 * Kubernetes' own schemas, and the pods' command run for real, as each pod would run it (the
 * package bin instead of npx, a v2 server on 127.0.0.1 instead of the gateway; loopback only,
 * bounded), its logs merged by `cdk8s-kserve loadtest merge`.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { InferenceServiceChart, LoadTestJob, synthToDirectory, V2Datatype } from '../lib';
import { schemaErrors, schemaSetFor } from './schema';
import { startV2Server } from './v2-server';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-kserve.js');

/** An output folder of one InferenceService with a transformer, its load test enabled with `options`. */
function synthWithJob(options: Parameters<typeof LoadTestJob.enable>[1]): string {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'load-test-job-')), 'dist');
  synthToDirectory(props => {
    const app = new App(props);
    new InferenceServiceChart(app, 'vision', {
      namespace: 'ml', modelUri: 'pvc://models/vision',
      predictor: { maxReplicas: 4, signature: { inputs: [{ name: 'INPUT__0', datatype: V2Datatype.FP32, shape: [1, 4] }] } },
      transformer: { image: 'registry.example.com/pre:1.0.0', maxReplicas: 2, signature: { inputs: [{ name: 'text', datatype: V2Datatype.BYTES, shape: [1] }] } },
    });
    LoadTestJob.enable(app, options);
    return app;
  }, out);
  return out;
}

const run = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>(resolve =>
  execFile(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 }, (e, stdout, stderr) => resolve({ code: e ? (e as any).code : 0, stdout, stderr })));

describe('LoadTestJob', () => {
  const out = synthWithJob({ runners: 3, rate: 30, durationSeconds: 2, component: 'transformer' });
  const file = path.join(out, 'loadtest', 'job-vision.yaml');
  const [configMap, job] = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJS());
  const targets = JSON.parse(fs.readFileSync(path.join(out, 'loadtest', 'targets.json'), 'utf8')).inferenceServices[0].targets;

  test('an Indexed Job and its request, valid Kubernetes objects, outside the folder\'s kustomization', () => {
    expect([configMap, job].flatMap(o => schemaErrors(o, schemaSetFor(20)))).toEqual([]);
    expect(YAML.parse(fs.readFileSync(path.join(out, 'kustomization.yaml'), 'utf8')).resources.filter((r: string) => r.includes('loadtest'))).toEqual([]);
    expect(job.metadata).toMatchObject({ name: 'loadtest-vision', namespace: 'ml' });
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimit: 0, activeDeadlineSeconds: 602 });
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers[0].env[0]).toEqual({ name: 'RUNNER_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } });
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'job-name': 'loadtest-vision' } } });
    // The request is the component's example, as example_inputs/ has it.
    expect(configMap.data['request.json']).toBe(fs.readFileSync(path.join(out, targets.transformer.request), 'utf8'));
    // Each runner a third of the rate, through the gateway with the component's host and path.
    const args: string[] = pod.containers[0].args;
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect([args[0], args[1], flag('--host'), flag('--path'), flag('--rate'), flag('--duration'), flag('--out'), flag('--id-prefix')]).toEqual([
      'loadtest', 'http://istio-ingressgateway.istio-system.svc.cluster.local', targets.transformer.host, targets.transformer.path, '10', '2', '-', 'loadtest-vision-$(RUNNER_INDEX)-',
    ]);
  });

  test('the pods\' command, run as three local runners against one server, merges to what the server received', async () => {
    const server = await startV2Server(undefined, { latencyMs: 10 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-test-job-run-'));
    try {
      fs.writeFileSync(path.join(dir, 'request.json'), configMap.data['request.json']);
      const container = job.spec.template.spec.containers[0];
      // What Kubernetes does for each pod: $(RUNNER_INDEX) from the completion index; here the
      // gateway is the server on loopback and the mounted request a file.
      const logs = await Promise.all([0, 1, 2].map(async i => {
        const args = (container.args as string[]).map(a => a.replace('$(RUNNER_INDEX)', String(i)).replace('http://istio-ingressgateway.istio-system.svc.cluster.local', server.url).replace('/request/request.json', path.join(dir, 'request.json')));
        const r = await run(args);
        expect([i, r.code, r.stderr.includes('cdk8s-kserve:')]).toEqual([i, 0, false]);
        const log = path.join(dir, `runner-${i}.log`);
        fs.writeFileSync(log, r.stdout + r.stderr);
        return log;
      }));
      const merged = await run(['loadtest', 'merge', ...logs, '--out', path.join(dir, 'merged')]);
      expect(merged.code).toBe(0);
      const result = JSON.parse(fs.readFileSync(path.join(dir, 'merged', 'result.json'), 'utf8')).result;
      expect(server.received).toHaveLength(60);
      expect(result.requests).toEqual({ sent: 60, completed: 60, ok: 60, failed: 0 });
      expect(result.load.rate).toBe(30);
      for (const r of server.received) expect(r.headers.host).toBe(targets.transformer.host);
      // Each pod its own ids: loadtest-vision-<index>-<n>.
      expect(new Set(server.received.map(r => String(r.headers['x-request-id']).replace(/-\d+$/, '')))).toEqual(new Set(['loadtest-vision-0', 'loadtest-vision-1', 'loadtest-vision-2']));
    } finally {
      await server.close();
    }
  }, 60_000);

  test('only apps that enable it get it; bad options are refused with each field named', () => {
    const plain = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'no-job-')), 'dist');
    synthToDirectory(props => {
      const app = new App(props);
      new InferenceServiceChart(app, 'm', { modelUri: 'pvc://m/m', predictor: { maxReplicas: 1, signature: { inputs: [{ name: 'x', datatype: V2Datatype.FP32, shape: [1] }] } } });
      return app;
    }, plain);
    expect(fs.readdirSync(path.join(plain, 'loadtest'))).toEqual(['targets.json']);
    expect(() => LoadTestJob.enable(new App(), { runners: 0, rate: -1, gatewayUrl: 'gateway/x' })).toThrow(
      'LoadTestJob.enable: loadTestJob.runners (0) must be a whole number from 1 to 1000; loadTestJob.rate (-1) must be a number of requests per second above 0; loadTestJob.gatewayUrl (gateway/x) must be http:// or https:// and a host[:port], without a path');
  });
});
