import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as YAML from 'yaml';
import { PlacedInferenceService } from './endpoints';
import { loadTargetsOf, targetBody } from './load-targets';
import { LoadComponent, LOAD_COMPONENTS } from '../contract/load-targets';
import { existingTreeState, treeState } from '../core/tree-state';

/** The in-cluster load test of an output folder: how many runners, at what total rate, for how long. */
export interface LoadTestJobOptions {
  /** Runner pods, side by side; each sends `rate / runners` requests per second. */
  readonly runners: number;
  /** Requests per second, all runners together. */
  readonly rate: number;
  /**
   * Seconds to send.
   *
   * @default 300
   */
  readonly durationSeconds?: number;
  /**
   * Seconds to reach the full rate, part of `durationSeconds`.
   *
   * @default 0
   */
  readonly rampUpSeconds?: number;
  /**
   * Which part of each InferenceService to load.
   *
   * @default 'entry'
   */
  readonly component?: LoadComponent;
  /**
   * The ingress gateway as the pods reach it, with the InferenceService's host in the `Host`
   * header, as clients outside do.
   *
   * @default 'http://istio-ingressgateway.istio-system.svc.cluster.local' (KServe's Istio install)
   */
  readonly gatewayUrl?: string;
  /**
   * The runner's image: Node.js 20 or later. With the default, each pod installs the package
   * with npx when it starts, so the cluster must reach the npm registry; an image of your own
   * with the package installed (docs/load-testing.md) needs neither, with `command` set to run it.
   *
   * @default 'node:20-slim'
   */
  readonly image?: string;
  /**
   * The command that runs the CLI in the image, before `loadtest`.
   *
   * @default ['npx', '--yes', 'cdk8s-kserve@<this package's version>']
   */
  readonly command?: string[];
}

/** The package version the default command installs: this package's own package.json, found upward (lib/output in a checkout, build/lib/output in the package). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (pkg.name === 'cdk8s-kserve') return pkg.version;
  }
  throw new Error(`cdk8s-kserve's package.json was not found above ${__dirname}`);
}

const DEFAULT_GATEWAY = 'http://istio-ingressgateway.istio-system.svc.cluster.local';
/** A ConfigMap holds at most 1 MiB; the request must fit with room for the object around it. */
const MAX_REQUEST_BYTES = 900 * 1024;

/** Options checked: each problem names the field, the value and what is expected. */
export function loadTestJobProblems(o: LoadTestJobOptions): string[] {
  const problems: string[] = [];
  if (!(Number.isInteger(o.runners) && o.runners >= 1 && o.runners <= 1000)) problems.push(`loadTestJob.runners (${o.runners}) must be a whole number from 1 to 1000`);
  if (!(o.rate > 0 && o.rate <= 1_000_000)) problems.push(`loadTestJob.rate (${o.rate}) must be a number of requests per second above 0`);
  const duration = o.durationSeconds ?? 300;
  if (!(duration > 0 && duration <= 86_400)) problems.push(`loadTestJob.durationSeconds (${o.durationSeconds}) must be above 0 and at most 86400`);
  if (o.rampUpSeconds !== undefined && !(o.rampUpSeconds >= 0 && o.rampUpSeconds <= duration)) problems.push(`loadTestJob.rampUpSeconds (${o.rampUpSeconds}) must be from 0 to durationSeconds (${duration})`);
  if (o.component !== undefined && !LOAD_COMPONENTS.includes(o.component)) problems.push(`loadTestJob.component (${o.component}) must be one of ${LOAD_COMPONENTS.join(', ')}`);
  if (o.gatewayUrl !== undefined && !/^https?:\/\/[^/\s]+$/.test(o.gatewayUrl)) problems.push(`loadTestJob.gatewayUrl (${o.gatewayUrl}) must be http:// or https:// and a host[:port], without a path`);
  return problems;
}

const KEY = 'load-test-job';

/**
 * The in-cluster load test of one output folder (one app): an Indexed Job of `runners` pods per
 * InferenceService, written to `loadtest/job-<name>.yaml` beside the load targets (outside
 * `kubectl apply -k`). Each pod runs `cdk8s-kserve loadtest` at `rate / runners` with its own
 * request id range and prints its result into its log; `cdk8s-kserve loadtest merge` combines
 * the logs into one result and report (docs/load-testing.md).
 */
export class LoadTestJob {
  /** Writes the Job for the InferenceServices of `app` (an environment of `synthEnvironments`, or the app of `main`). */
  public static enable(app: App, options: LoadTestJobOptions): void {
    const problems = loadTestJobProblems(options);
    if (problems.length > 0) throw new Error(`LoadTestJob.enable: ${problems.join('; ')}`);
    treeState(app, KEY, () => ({ options })).options = options;
  }

  /** The options set on `app`, if any. */
  public static of(app: IConstruct): LoadTestJobOptions | undefined {
    return existingTreeState<{ options: LoadTestJobOptions }>(app, KEY)?.options;
  }

  private constructor() {}
}

/** The Job's name for an InferenceService: `loadtest-<name>`, cut to a valid label. */
function jobName(isvc: string): string {
  return `loadtest-${isvc}`.slice(0, 63).replace(/-+$/, '');
}

/**
 * The files of the in-cluster load test of an output folder: `loadtest/job-<name>.yaml` per
 * InferenceService that has an example request for the component (a ConfigMap holding it, and
 * the Job). Empty when the app did not enable it.
 */
export function loadTestJobFiles(app: App, placed: PlacedInferenceService[]): Map<string, string> {
  const options = LoadTestJob.of(app);
  const files = new Map<string, string>();
  if (!options) return files;
  const component = options.component ?? 'entry';
  const gateway = options.gatewayUrl ?? DEFAULT_GATEWAY;
  for (const p of placed) {
    const target = loadTargetsOf(p.isvc, p.examples).find(t => t.component === component);
    if (!target?.request) continue;
    const body = targetBody(target);
    if (Buffer.byteLength(body) > MAX_REQUEST_BYTES) {
      throw new Error(`${p.isvc.node.path}: the ${component} example request (${Buffer.byteLength(body)} bytes) does not fit in the load test Job's ConfigMap (at most ${MAX_REQUEST_BYTES}); leave LoadTestJob out for this app, or give a smaller signature`);
    }
    const name = jobName(p.isvc.name);
    const labels = { 'app.kubernetes.io/name': 'cdk8s-kserve-loadtest', 'app.kubernetes.io/managed-by': 'cdk8s-kserve', 'cdk8s-kserve.io/inferenceservice': p.isvc.name };
    const perRunner = Math.round((options.rate / options.runners) * 1000) / 1000;
    const duration = options.durationSeconds ?? 300;
    const args = [
      'loadtest', gateway, '--host', target.host, '--path', target.path, '--data', '/request/request.json',
      '--rate', String(perRunner), '--duration', String(duration),
      ...(options.rampUpSeconds ? ['--ramp-up', String(options.rampUpSeconds)] : []),
      '--connections', String(Math.max(10, Math.ceil(perRunner))),
      // No kubectl in the pod: its pods are counted by whoever watches (kubectl get pods -w).
      '--no-pods',
      // The result into the log, between two marker lines, for `loadtest merge`.
      '--out', '-',
      // Each pod its own id range: the CloudEvents of the message dumper tell the runners apart.
      '--id-prefix', `${name}-$(RUNNER_INDEX)-`,
    ];
    const configMap = {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: `${name}-request`, namespace: p.isvc.namespace, labels },
      data: { 'request.json': `${body}\n` },
    };
    const job = {
      apiVersion: 'batch/v1', kind: 'Job',
      metadata: { name, namespace: p.isvc.namespace, labels },
      spec: {
        completionMode: 'Indexed',
        completions: options.runners,
        parallelism: options.runners,
        // A runner that fails is not run again: a second run would load the target twice.
        backoffLimit: 0,
        // Bounded: the run, the install and start-up, and the answers still in flight.
        activeDeadlineSeconds: Math.ceil(duration) + 600,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            // One runner per node where the nodes allow: load from several machines, not one.
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'job-name': name } } }],
            containers: [{
              name: 'runner',
              image: options.image ?? 'node:20-slim',
              command: options.command ?? ['npx', '--yes', `cdk8s-kserve@${packageVersion()}`],
              args,
              env: [
                { name: 'RUNNER_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
                // npx's cache and the package go to the writable /tmp.
                { name: 'HOME', value: '/tmp' },
                { name: 'npm_config_cache', value: '/tmp/.npm' },
                { name: 'npm_config_update_notifier', value: 'false' },
              ],
              resources: { requests: { cpu: '1', memory: '256Mi' }, limits: { memory: '1Gi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'request', mountPath: '/request', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'request', configMap: { name: `${name}-request` } }, { name: 'tmp', emptyDir: {} }],
          },
        },
      },
    };
    const header = [
      `# The in-cluster load test of ${p.isvc.namespace}/${p.isvc.name} (${component}): ${options.runners} runners at ${perRunner} requests per second each, ${duration} s.`,
      '# Not part of the folder\'s kustomization: apply it when you mean to load the model (docs/load-testing.md).',
    ].join('\n');
    files.set(`loadtest/job-${p.isvc.name}.yaml`, `${header}\n${YAML.stringify(configMap)}---\n${YAML.stringify(job)}`);
  }
  return files;
}
