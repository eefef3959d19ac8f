/**
 * The load targets file: what synth writes beside each environment's manifests
 * (`loadtest/targets.json`) and the load runner and CLI read. This is the whole contract between
 * the constructs and the load-testing side, so the CLI never loads the construct tree.
 */

/** Which part of an InferenceService a load test calls. */
export type LoadComponent = 'entry' | 'transformer' | 'predictor';

/** The parts a load test can call, in the order they are listed. */
export const LOAD_COMPONENTS: readonly LoadComponent[] = ['entry', 'transformer', 'predictor'];

/** Where `synthToDirectory` writes the load targets of an output folder, relative to it. */
export const LOAD_TARGETS_FILE = 'loadtest/targets.json';

/** The pod labels KServe puts on each component's pods (kserve.md §3). */
export const POD_LABELS = { inferenceService: 'serving.kserve.io/inferenceservice', component: 'component' } as const;

/** The labels that select an InferenceService's pods, or one component's. */
export function podMatchLabels(inferenceService: string, component?: string): Record<string, string> {
  return { [POD_LABELS.inferenceService]: inferenceService, ...(component ? { [POD_LABELS.component]: component } : {}) };
}

/** The same as a `kubectl -l` selector: `serving.kserve.io/inferenceservice=<name>[,component=<component>]`. */
export function podSelector(inferenceService: string, component?: string): string {
  return Object.entries(podMatchLabels(inferenceService, component)).map(([k, v]) => `${k}=${v}`).join(',');
}

/** One InferenceService in a load targets file. */
export interface LoadTargetsEntry {
  readonly name: string;
  readonly namespace: string;
  /** Its chart's file in the output folder. */
  readonly file: string;
  /** Which components run pods (what the load runner counts): `predictor`, and `transformer` if there is one. */
  readonly podComponents: string[];
  /** The `-l` selector of all its pods; each pod's `component` label tells which part it is. */
  readonly podSelector: string;
  /** Per component: host, path and example request file (relative to the output folder). */
  readonly targets: Partial<Record<LoadComponent, { readonly host: string; readonly path: string; readonly request?: string }>>;
}

/** The contents of `loadtest/targets.json`. */
export interface LoadTargetsDocument {
  readonly generatedBy: string;
  readonly inferenceServices: LoadTargetsEntry[];
}
