import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { POD_LABELS, podSelector } from '../contract/load-targets';

/** Which pods to count during a load test, and how to reach the cluster. */
export interface PodSamplingOptions {
  readonly namespace: string;
  /** The InferenceService whose pods are counted (label `serving.kserve.io/inferenceservice`). */
  readonly inferenceService: string;
  /** The values of the pods' `component` label to count, such as `['transformer', 'predictor']`. */
  readonly components: string[];
  /**
   * Seconds between samples.
   *
   * @default 5
   */
  readonly intervalSeconds?: number;
  /**
   * The kubectl to run.
   *
   * @default 'kubectl' on the PATH
   */
  readonly kubectl?: string;
  /**
   * `--kubeconfig` for kubectl (default: kubectl's own, from `KUBECONFIG` or `~/.kube/config`, or
   * the in-cluster config of a pod). Without any of them pods are not counted: kubectl would
   * fall back to `localhost:8080`, where the docs port-forward the ingress gateway.
   */
  readonly kubeconfig?: string;
  /** `--context` for kubectl. */
  readonly context?: string;
}

/** Pods per component at one moment. */
export interface PodCount {
  /** Pods whose `Ready` condition is true, by component. */
  readonly ready: Record<string, number>;
  /** Pods not finished or being deleted (ready or not), by component. */
  readonly total: Record<string, number>;
}

/** Why kubectl gave no count: its message, cut to one line. */
function reasonOf(error: { code?: unknown; message: string; stderr?: string }, kubectl: string): string {
  if (error.code === 'ENOENT') return `${kubectl} not found`;
  const text = (error.stderr || error.message).trim().split('\n').filter(l => l.trim() !== '').pop() ?? error.message;
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Why kubectl has no cluster to ask, or undefined when it has one: an explicit `kubeconfig`, a
 * `KUBECONFIG` naming a file that exists, `~/.kube/config`, or a pod's in-cluster config
 * (`KUBERNETES_SERVICE_HOST` and the service account token), as kubectl looks them up
 * (k8s.io/client-go tools/clientcmd loader.go and rest/config.go InClusterConfig). Without one,
 * kubectl quietly calls `http://localhost:8080`, which is where the docs port-forward the
 * ingress gateway: the pod sampler would send API requests to the model server.
 */
export function missingClusterConfig(
  options: Pick<PodSamplingOptions, 'kubeconfig'>,
  env: NodeJS.ProcessEnv = process.env,
  exists: (file: string) => boolean = fs.existsSync,
): string | undefined {
  if (options.kubeconfig) return exists(options.kubeconfig) ? undefined : `--kubeconfig ${options.kubeconfig} does not exist`;
  const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter(f => f !== '');
  if (listed.some(exists)) return undefined;
  if (listed.length === 0 && exists(path.join(env.HOME ?? os.homedir(), '.kube', 'config'))) return undefined;
  if (env.KUBERNETES_SERVICE_HOST && exists('/var/run/secrets/kubernetes.io/serviceaccount/token')) return undefined;
  const where = listed.length > 0 ? `KUBECONFIG (${listed.join(path.delimiter)}) names no file that exists` : 'no kubeconfig (--kubeconfig, KUBECONFIG or ~/.kube/config) and not in a cluster';
  return `${where}; kubectl would call localhost:8080 instead`;
}

/** The kubectl arguments of one sample. */
export function podSampleArgs(options: PodSamplingOptions, timeoutSeconds = 5): string[] {
  return [
    ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []),
    ...(options.context ? ['--context', options.context] : []),
    '-n', options.namespace,
    'get', 'pods',
    '-l', podSelector(options.inferenceService),
    '-o', 'json',
    `--request-timeout=${timeoutSeconds}s`,
  ];
}

/** Counts a PodList's pods per component (KServe's `component` label). */
export function countPods(podList: any, components: string[]): PodCount {
  const ready: Record<string, number> = Object.fromEntries(components.map(c => [c, 0]));
  const total: Record<string, number> = Object.fromEntries(components.map(c => [c, 0]));
  for (const pod of podList?.items ?? []) {
    const component = pod?.metadata?.labels?.[POD_LABELS.component];
    if (!components.includes(component)) continue;
    const phase = pod?.status?.phase;
    if (pod?.metadata?.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed') continue;
    total[component]++;
    if ((pod?.status?.conditions ?? []).some((c: any) => c?.type === 'Ready' && c?.status === 'True')) ready[component]++;
  }
  return { ready, total };
}

/**
 * One count of an InferenceService's pods per component, with `kubectl get pods`.
 *
 * @returns the count, or the reason there is none (no kubectl, no cluster, no permission)
 */
export function samplePods(options: PodSamplingOptions): Promise<PodCount | { readonly error: string }> {
  const kubectl = options.kubectl ?? 'kubectl';
  const missing = missingClusterConfig(options);
  if (missing) return Promise.resolve({ error: missing });
  return new Promise(resolve => {
    execFile(kubectl, podSampleArgs(options), { encoding: 'utf8', timeout: 10_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        resolve({ error: reasonOf(Object.assign(error, { stderr }), kubectl) });
        return;
      }
      try {
        resolve(countPods(JSON.parse(stdout), options.components));
      } catch (e) {
        resolve({ error: `kubectl printed no pod list: ${(e as Error).message}` });
      }
    });
  });
}
