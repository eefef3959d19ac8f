import { ComponentEndpoint, EndpointRole, endpointsOf, ExampleInputs, PlacedInferenceService } from './endpoints';
import { InferenceService } from '../constructs/inference-service';
import { LoadComponent, LoadTargetsDocument, podSelector } from '../contract/load-targets';
import { formatRequest, V2InferenceRequest } from '../contract/signature';

/** One part of an InferenceService as a load test calls it through the ingress gateway. */
export interface LoadTarget {
  readonly component: LoadComponent;
  /**
   * The `Host` header at the ingress gateway that reaches this part. In Standard mode the
   * transformer's is the InferenceService's own host: KServe's Ingress routes
   * `<isvc>-transformer-<ns>.<domain>` to the predictor.
   */
  readonly host: string;
  /** The v2 inference path. */
  readonly path: string;
  /** The example request's file under `example_inputs/`, when a signature gives one. */
  readonly exampleFile?: string;
  /** The example request, when a signature gives one. */
  readonly request?: V2InferenceRequest;
}

/** The endpoints a load test calls, by the component name of the load targets file. */
const LOAD_ROLES = new Map<EndpointRole, LoadComponent>([
  [EndpointRole.INFERENCE_SERVICE, 'entry'], [EndpointRole.TRANSFORMER, 'transformer'], [EndpointRole.PREDICTOR, 'predictor'],
]);

/**
 * The parts of an InferenceService a load test calls: `entry` (the InferenceService's own host,
 * which routes to the transformer if there is one), `transformer`, and `predictor`, each with the
 * host that reaches it and the request it takes (the predictor behind a transformer takes the
 * predictor's example). A Standard-mode canary has no host at the ingress and is not a target.
 */
export function loadTargetsOf(isvc: InferenceService, examples: ExampleInputs): LoadTarget[] {
  const requests = new Map([examples.entry, examples.predictor].filter(x => x !== undefined).map(x => [x!.file, x!.request]));
  return endpointsOf(isvc, examples).components
    .filter((c): c is ComponentEndpoint & { host: string } => LOAD_ROLES.has(c.role) && c.host !== undefined)
    .map(c => ({
      component: LOAD_ROLES.get(c.role)!,
      host: c.host,
      path: c.inferPath,
      exampleFile: c.exampleFile,
      request: c.exampleFile === undefined ? undefined : requests.get(c.exampleFile),
    }));
}

/**
 * `loadtest/targets.json` of an output folder: for each InferenceService, what
 * `cdk8s-kserve loadtest --from <folder>` calls (host, path, example request per component) and
 * which pods it counts. It sits in a subfolder so that `kubectl apply -f <folder>` does not read it.
 */
export function loadTargetsDocument(placed: PlacedInferenceService[]): string {
  const doc: LoadTargetsDocument = {
    generatedBy: 'cdk8s-kserve, from the app that wrote this folder; edit the app, not this file',
    inferenceServices: placed.map(p => ({
      name: p.isvc.name,
      namespace: p.isvc.namespace,
      file: p.file,
      podComponents: p.isvc.transformer ? ['transformer', 'predictor'] : ['predictor'],
      podSelector: podSelector(p.isvc.name),
      targets: Object.fromEntries(loadTargetsOf(p.isvc, p.examples).map(t => [t.component, {
        host: t.host,
        path: t.path,
        ...(t.exampleFile ? { request: `example_inputs/${t.exampleFile}` } : {}),
      }])),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The body a target sends: its example request as written to `example_inputs/`, or empty. */
export function targetBody(target: LoadTarget): string {
  return target.request ? formatRequest(target.request).trim() : '';
}
