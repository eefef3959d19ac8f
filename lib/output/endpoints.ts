import { IConstruct } from 'constructs';
import { clusterLocalUrl, predictorServiceName } from '../core/kserve-names';
import { AzureBlobCreds } from '../azure/credentials';
import { InferenceService, WrittenPredictor } from '../constructs/inference-service';
import { ILoggerSink } from '../model/logger';
import { MessageDumper } from '../constructs/message-dumper';
import { KServeVersion } from '../core/kserve-version';
import { DeploymentMode } from '../core/target';
import { exampleRequest, ModelSignature, V2InferenceRequest } from '../contract/signature';
import { GRPC_V2_PROTOCOL } from '../constructs/predictor';
import { podSelector } from '../contract/load-targets';

/** A part of an InferenceService that answers requests, as ENDPOINTS.md names it. */
export enum EndpointRole {
  /** The InferenceService's own host: the transformer if there is one, else the predictor. */
  INFERENCE_SERVICE = 'InferenceService',
  TRANSFORMER = 'transformer',
  PREDICTOR = 'predictor',
  /** A KServe 0.20 Standard-mode canary (in-cluster only). */
  CANARY = 'canary',
  /** Knative tag route `latest-` (tagRouting). */
  LATEST_REVISION = 'latest revision',
  /** Knative tag route `prev-` while a canary splits traffic. */
  PREVIOUS_REVISION = 'previous revision',
}

/** Where one part of an InferenceService answers. */
export interface ComponentEndpoint {
  readonly role: EndpointRole;
  /** The host clients put in the `Host` header at the ingress gateway; none for a part the ingress does not reach. */
  readonly host?: string;
  /** The in-cluster URL (no ingress), when the part has its own Service. */
  readonly internalUrl?: string;
  /** What a request to the host reaches: `transformer`, `predictor`, `canary`, a revision. */
  readonly reaches: string;
  /** Path of a v2 inference call. */
  readonly inferPath: string;
  /** The example request for this part, as a file name under `example_inputs/`, if a signature gives one. */
  readonly exampleFile?: string;
}

/** The hosts and URLs of an InferenceService, for the chosen KServe version, mode and ingress domain (kserve.md §7). */
export interface InferenceServiceEndpoints {
  /** The entry point: the transformer if there is one, else the predictor. */
  readonly entry: ComponentEndpoint;
  /** The components, entry point's first. */
  readonly components: ComponentEndpoint[];
}

/** The example requests of an InferenceService, by file name under `example_inputs/`. */
export interface ExampleInputs {
  /** What clients send (the transformer's signature, else the predictor's). */
  readonly entry?: { readonly file: string; readonly request: V2InferenceRequest; readonly signature: ModelSignature };
  /** What the predictor takes, when a transformer sits in front of it. */
  readonly predictor?: { readonly file: string; readonly request: V2InferenceRequest; readonly signature: ModelSignature };
}

/**
 * The example requests an InferenceService's signatures give: `<isvc>.json` for what clients
 * send, and `<isvc>-predictor.json` for the predictor behind a transformer.
 *
 * @param prefix put in front of the file names (to keep two InferenceServices of one name apart)
 */
export function exampleInputsOf(isvc: InferenceService, prefix = ''): ExampleInputs {
  const base = `${prefix}${isvc.name}`;
  const predictorSignature = isvc.predictor.signature;
  const entrySignature = isvc.transformer ? isvc.transformer.signature : predictorSignature;
  return {
    entry: entrySignature && { file: `${base}.json`, request: exampleRequest(entrySignature), signature: entrySignature },
    predictor: isvc.transformer && predictorSignature ? { file: `${base}-predictor.json`, request: exampleRequest(predictorSignature), signature: predictorSignature } : undefined,
  };
}

/** The external host and in-cluster URL of the object `<object>` (component Service) of an InferenceService. */
function hostOf(isvc: InferenceService, object: string): { host: string; internalUrl: string } {
  const knative = isvc.deploymentMode === DeploymentMode.KNATIVE;
  const suffix = isvc.ingressDomain;
  // Knative: {object}.{ns}.{domain}; Standard: KServe's default domainTemplate {object}-{ns}.{domain}.
  const host = knative ? `${object}.${isvc.namespace}.${suffix}` : `${object}-${isvc.namespace}.${suffix}`;
  return { host, internalUrl: clusterLocalUrl(object, isvc.namespace) };
}

/** The hosts and URLs of an InferenceService's parts. */
export function endpointsOf(isvc: InferenceService, examples: ExampleInputs = exampleInputsOf(isvc)): InferenceServiceEndpoints {
  const inferPath = `/v2/models/${isvc.name}/infer`;
  const knative = isvc.deploymentMode === DeploymentMode.KNATIVE;
  const predictorExample = isvc.transformer ? examples.predictor?.file : examples.entry?.file;
  // The top-level host routes to the transformer if there is one, else the predictor.
  const topHost = hostOf(isvc, isvc.name).host;
  const components: ComponentEndpoint[] = [];
  if (isvc.transformer) {
    const own = hostOf(isvc, isvc.transformerServiceName);
    // Standard mode: KServe's Ingress routes <isvc>-transformer-<ns>.<domain> to the predictor
    // (kserve v0.20.0 pkg/controller/v1beta1/inferenceservice/reconcilers/ingress/kube_ingress_reconciler.go:278,
    // v0.11.2 :198), so the transformer is reached through the top-level host only.
    components.push({ role: EndpointRole.TRANSFORMER, host: knative ? own.host : topHost, internalUrl: own.internalUrl, reaches: 'transformer', inferPath, exampleFile: examples.entry?.file });
  }
  components.push({ role: EndpointRole.PREDICTOR, ...hostOf(isvc, isvc.predictorServiceName), reaches: 'predictor', inferPath, exampleFile: predictorExample });
  const wiring = isvc._wiring;
  if (wiring.canary?.name) {
    // A 0.20 Standard canary has its own Service but no Ingress rule: in-cluster only (kserve.md Corrections 3).
    const object = predictorServiceName(isvc.name, wiring.canary.name);
    components.push({ role: EndpointRole.CANARY, internalUrl: hostOf(isvc, object).internalUrl, reaches: 'canary, in-cluster only', inferPath, exampleFile: predictorExample });
  }
  // KServe tags the latest revision with tag routing, and the previous one whenever a canary
  // splits traffic (kserve v0.20.0 reconcilers/knative/ksvc_reconciler.go:134-152).
  const predictor = isvc.predictorServiceName;
  if (knative && isvc.tagRouting) {
    components.push({ role: EndpointRole.LATEST_REVISION, host: `latest-${predictor}.${isvc.namespace}.${isvc.ingressDomain}`, reaches: 'latest predictor revision', inferPath, exampleFile: predictorExample });
  }
  if (knative && wiring.candidatePercent !== undefined && wiring.candidatePercent < 100) {
    components.push({ role: EndpointRole.PREVIOUS_REVISION, host: `prev-${predictor}.${isvc.namespace}.${isvc.ingressDomain}`, reaches: 'previous predictor revision', inferPath, exampleFile: predictorExample });
  }
  const top = { host: topHost, internalUrl: knative ? isvc.internalUrl : components[0].internalUrl };
  const entry: ComponentEndpoint = { role: EndpointRole.INFERENCE_SERVICE, ...top, reaches: isvc.transformer ? 'transformer, then predictor' : 'predictor', inferPath, exampleFile: examples.entry?.file };
  return { entry, components: [entry, ...components] };
}

// ---- Mermaid -------------------------------------------------------------------------------

/** Text safe inside a quoted Mermaid label. */
function label(...lines: string[]): string {
  return `"${lines.map(l => l.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>')}"`;
}

function storageLabel(uri: string): string {
  const azure = /^https:\/\/([a-z0-9]+)\.blob\.core\.windows\.net\/(.+?)\/?$/.exec(uri);
  return azure ? `Azure Blob ${azure[1]}/${azure[2]}` : uri;
}

function sinkLabel(sink: ILoggerSink): string[] {
  if (sink instanceof MessageDumper) {
    return [`message dumper ${sink.name}`, sink.deploymentMode === DeploymentMode.KNATIVE ? 'Knative Service' : 'Deployment + Service'];
  }
  return ['logger sink', sink.loggerUrl];
}

/**
 * A Mermaid flowchart of an InferenceService, drawn from its constructs: client, ingress,
 * transformer, predictor (and canary), logger sinks, and the credentials and storage the
 * predictor's storage initializer reads.
 */
export function mermaidDiagram(isvc: InferenceService): string {
  const lines = ['flowchart LR'];
  const knative = isvc.deploymentMode === DeploymentMode.KNATIVE;
  const endpoints = endpointsOf(isvc);
  const wiring = isvc._wiring;
  const node = (id: string, shape: [string, string], ...text: string[]) => lines.push(`  ${id}${shape[0]}${label(...text)}${shape[1]}`);
  const box: [string, string] = ['[', ']'];
  const cylinder: [string, string] = ['[(', ')]'];

  node('client', ['([', '])'], 'client');
  node('ingress', box, isvc.ingressGateway.description, `${isvc.ingressGateway.namespace}/${isvc.ingressGateway.serviceName}`);
  lines.push(`  client -->|${label(`Host: ${endpoints.entry.host}`, `POST ${endpoints.entry.inferPath}`)}| ingress`);

  const grpc = isvc.predictor.protocol === GRPC_V2_PROTOCOL;
  const predictorNodes: [string, WrittenPredictor, string | undefined][] = [];
  const percent = wiring.candidatePercent;
  if (wiring.canary) {
    // A 0.20 Standard canary gets no traffic from the ingress or the transformer: no edge to it.
    predictorNodes.push(['predictor', wiring.predictor, undefined]);
    predictorNodes.push(['canary', wiring.canary, undefined]);
  } else if (wiring.stable) {
    predictorNodes.push(['predictor', wiring.predictor, `latest revision: ${percent} %`]);
    predictorNodes.push(['stable', wiring.stable, `previous revision: ${100 - (percent ?? 0)} %`]);
  } else {
    predictorNodes.push(['predictor', wiring.predictor, undefined]);
  }
  for (const [id, p] of predictorNodes) {
    const object = p.name === undefined ? isvc.predictorServiceName : predictorServiceName(isvc.name, p.name);
    const what = id === 'stable' ? 'stable version' : id === 'canary' ? 'canary' : 'predictor';
    node(id, box, `${what}: ${p.construct.serverName} ${p.construct.protocol}`, knative ? `Knative Service ${object}` : `Deployment ${object}`,
      ...id === 'canary' ? ['dark launch: in-cluster only'] : [], p.construct.node.path);
  }
  let upstream = 'ingress';
  if (isvc.transformer) {
    node('transformer', box, 'transformer', knative ? `Knative Service ${isvc.transformerServiceName}` : `Deployment ${isvc.transformerServiceName}`, isvc.transformer.image);
    lines.push('  ingress --> transformer');
    upstream = 'transformer';
  }
  for (const [id, , share] of predictorNodes) {
    if (id === 'canary') continue;
    const via = upstream === 'transformer' ? `${grpc ? 'v2 gRPC' : 'v2 REST'} ${isvc.predictorServiceName}.${isvc.namespace}` : undefined;
    const text = [via, share].filter((x): x is string => x !== undefined);
    lines.push(`  ${upstream} -->${text.length > 0 ? `|${label(...text)}|` : ''} ${id}`);
  }

  // Logger sinks, one node per distinct sink.
  const sinks = new Map<ILoggerSink, string>();
  const sinkId = (sink: ILoggerSink) => {
    if (!sinks.has(sink)) {
      const id = `sink${sinks.size + 1}`;
      sinks.set(sink, id);
      node(id, cylinder, ...sinkLabel(sink));
    }
    return sinks.get(sink)!;
  };
  if (wiring.transformerLogger) lines.push(`  transformer -.->|CloudEvents| ${sinkId(wiring.transformerLogger)}`);
  for (const [id, p] of predictorNodes) if (p.logger) lines.push(`  ${id} -.->|CloudEvents| ${sinkId(p.logger)}`);

  // Storage and credentials, one node each per distinct location and ServiceAccount.
  const stores = new Map<string, string>();
  const accounts = new Map<string, string>();
  for (const [id, p] of predictorNodes) {
    if (!stores.has(p.storageUri)) {
      stores.set(p.storageUri, `storage${stores.size + 1}`);
      node(stores.get(p.storageUri)!, cylinder, storageLabel(p.storageUri));
    }
    const store = stores.get(p.storageUri)!;
    const creds = p.credentials;
    if (creds) {
      const key = `${creds.namespace}/${creds.serviceAccountName}`;
      if (!accounts.has(key)) {
        accounts.set(key, `credentials${accounts.size + 1}`);
        const secret = creds instanceof AzureBlobCreds && creds.secretName ? [`Secret ${creds.secretName}`] : [];
        node(accounts.get(key)!, box, `ServiceAccount ${creds.serviceAccountName}`, ...secret);
        lines.push(`  ${accounts.get(key)} -.->|credentials| ${store}`);
      }
      lines.push(`  ${store} -->|${label('storage initializer', '/mnt/models')}| ${id}`);
    } else {
      lines.push(`  ${store} -->|${label('storage initializer', '/mnt/models')}| ${id}`);
    }
  }
  return lines.join('\n');
}

// ---- ENDPOINTS.md --------------------------------------------------------------------------

/** The shell line that sets ID to a fresh request id. */
const NEW_ID = 'ID=$(uuidgen 2>/dev/null || cat /proc/sys/kernel/random/uuid)';

/**
 * Prints the whole `event_display` events (each begins with a `cloudevents.Event` line) that
 * contain `$ID`: as their id (`ce-id`) or in their `metadata` extension (`X-Request-Id`).
 */
export const EVENTS_WITH_ID = `awk -v id="\${ID}" '/cloudevents\\.Event/ { if (index(e, id)) printf "%s", e; e = "" } { e = e $0 "\\n" } END { if (index(e, id)) printf "%s", e }'`;

/** Which of an InferenceService's logged events carry the client's request id, and why. */
function correlation(isvc: InferenceService): string {
  if (!isvc.transformer) return 'The predictor\'s logged events take their id from `ce-id`.';
  if (isvc._wiring.predictorLogsRequestId) {
    return 'The transformer\'s logged events take their id from `ce-id`; the predictor\'s get fresh ids but record the `X-Request-Id` the transformer forwards in their `metadata` (`logger.metadataHeaders`), so the command under "Watch" finds both hops:';
  }
  return isvc.kserveVersion.isAtLeast(KServeVersion.V0_14)
    ? 'The transformer\'s logged events take their id from `ce-id`; the predictor\'s get fresh ids, and without `X-Request-Id` in `logger.metadataHeaders` nothing in them names the request:'
    : `The transformer's logged events take their id from \`ce-id\`; the predictor's get fresh ids and nothing that names the request: the transformer forwards only \`x-request-id\`, and KServe ${isvc.kserveVersion} cannot record it (\`logger.metadataHeaders\` is new in 0.14):`;
}

/** A curl call of a v2 endpoint with the headers KServe and the logger use. */
function curl(url: string, host: string | undefined, file: string | undefined): string {
  const lines = [
    `curl -sS -X POST "${url}"`,
    ...(host ? [`-H "Host: ${host}"`] : []),
    '-H "Content-Type: application/json"',
    '-H "x-request-id: ${ID}"',
    '-H "ce-id: ${ID}"',
    `--data-binary @example_inputs/${file ?? '<request>.json'}`,
    '-w \'\\nHTTP %{http_code} in %{time_total} s\\n\'',
  ];
  return [NEW_ID, lines.join(' \\\n  ')].join('\n');
}

function code(lang: string, text: string): string {
  return `\`\`\`${lang}\n${text}\n\`\`\``;
}

/** The ENDPOINTS.md section of one InferenceService. */
export function endpointsSection(isvc: InferenceService, examples: ExampleInputs, file: string, resultsDir = 'loadtest-results'): string {
  const e = endpointsOf(isvc, examples);
  const ns = isvc.namespace;
  const knative = isvc.deploymentMode === DeploymentMode.KNATIVE;
  const gw = isvc.ingressGateway;
  const grpc = isvc.predictor.protocol === GRPC_V2_PROTOCOL;
  const out: string[] = [];
  out.push(`## ${isvc.name} (namespace ${ns})`);
  out.push('');
  out.push(`KServe ${isvc.kserveVersion}, ${knative ? 'Knative' : 'Standard'} mode (\`serving.kserve.io/deploymentMode: ${isvc.deploymentModeAnnotation}\`), ingress domain \`${isvc.ingressDomain}\`, ${gw.description} \`${gw.namespace}/${gw.serviceName}\`. Objects: \`${file}\` (construct \`${isvc.node.path}\`).`);
  out.push('');
  out.push(code('mermaid', mermaidDiagram(isvc)));
  out.push('');
  out.push('### Hosts');
  out.push('');
  out.push('| part | `Host` header at the ingress | reaches | in-cluster URL | inference path | example request |');
  out.push('| --- | --- | --- | --- | --- | --- |');
  const row = (role: string, host: string | undefined, reaches: string, url: string | undefined, inferPath: string, example: string | undefined) =>
    out.push(`| ${role} | ${host ? `\`${host}\`` : '- (no route at the ingress)'} | ${reaches} | ${url ? `\`${url}\`` : '-'} | ${inferPath === '' ? '-' : `\`${inferPath}\``} | ${example ? `\`example_inputs/${example}\`` : '-'} |`);
  for (const c of e.components) row(c.role, c.host, c.reaches, c.internalUrl, c.inferPath, c.exampleFile);
  // KServe's Ingress routes the transformer's own host to the predictor (kube_ingress_reconciler.go:278).
  if (!knative && isvc.transformer) row('transformer host', `${isvc.transformerServiceName}-${ns}.${isvc.ingressDomain}`, '**predictor**, not the transformer', undefined, '', undefined);
  const sinks = [...new Set([isvc._wiring.transformerLogger, isvc._wiring.predictor.logger, isvc._wiring.canary?.logger, isvc._wiring.stable?.logger].filter((s): s is ILoggerSink => s !== undefined))];
  for (const s of sinks) out.push(`| logger sink | - | - | \`${s.loggerUrl}\` | CloudEvents \`POST /\` | - |`);
  const notes: string[] = [];
  if (!knative) notes.push(`Standard-mode hosts follow KServe's default \`ingress.domainTemplate\` (\`{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}\`); a changed template changes them.`);
  if (!knative && isvc.transformer) {
    notes.push(`\`${isvc.transformerServiceName}-${ns}.${isvc.ingressDomain}\` exists too, but KServe's Ingress routes it to the predictor, not the transformer (kserve v0.20.0 and v0.11.2 \`kube_ingress_reconciler.go\`, \`generateRule(transformerHost, predictorName, ...)\`): call the transformer through the InferenceService host.`);
  }
  const canary = e.components.find(c => c.role === EndpointRole.CANARY);
  if (canary && isvc._wiring.canary) {
    const pods = isvc._wiring.canary.minReplicas ?? 1;
    notes.push(`The canary \`${isvc._wiring.canary.name}\` is a dark launch: on KServe ${isvc.kserveVersion} in Standard mode \`trafficPercent\` (${isvc._wiring.canaryTrafficPercent} %) only sizes it, and the Ingress and the transformer send every request to the stable predictor. It runs ${pods} pod${pods === 1 ? '' : 's'} and answers in-cluster at \`${canary.internalUrl}\` (below); it gets no client traffic.`);
  }
  if (knative && (isvc.tagRouting || e.components.some(c => c.role === EndpointRole.PREVIOUS_REVISION))) notes.push('Tag hosts (`latest-`, `prev-`) follow Knative\'s default `tag-template`.');
  if (!e.entry.exampleFile) {
    notes.push(`No example request: give ${isvc.transformer ? 'the transformer' : 'the predictor'} a \`signature\` to generate \`example_inputs/${isvc.name}.json\`.`);
  }
  for (const n of notes) out.push('', n);
  out.push('');

  out.push('### Call it through the ingress');
  out.push('');
  out.push('The gateway\'s address, from its LoadBalancer (MetalLB or a cloud load balancer):');
  out.push('');
  out.push(code('sh', [
    `export INGRESS_HOST=$(kubectl -n ${gw.namespace} get service ${gw.serviceName} -o jsonpath='{.status.loadBalancer.ingress[0].ip}')`,
    `export INGRESS_PORT=$(kubectl -n ${gw.namespace} get service ${gw.serviceName} -o jsonpath='{.spec.ports[?(@.name=="http2")].port}')`,
  ].join('\n')));
  out.push('');
  out.push('Without a load balancer, forward a local port to the gateway instead (leave it running):');
  out.push('');
  out.push(code('sh', `kubectl -n ${gw.namespace} port-forward service/${gw.serviceName} 8080:80\nexport INGRESS_HOST=127.0.0.1 INGRESS_PORT=8080`));
  out.push('');
  if (grpc) {
    out.push(`The predictor serves gRPC (v2): call \`inference.GRPCInferenceService/ModelInfer\` on \`${e.entry.host}\` with a gRPC client such as grpcurl; the curl commands below apply to REST predictors only${isvc.transformer ? ', except the transformer, which serves REST' : ''}.`);
    out.push('');
  }
  out.push(`From this folder, call the InferenceService (${isvc.transformer ? 'transformer, then predictor' : 'predictor'}); the same id goes in \`x-request-id\` and \`ce-id\`. ${correlation(isvc)}`);
  out.push('');
  out.push(code('sh', curl(`http://\${INGRESS_HOST}:\${INGRESS_PORT}${e.entry.inferPath}`, e.entry.host, e.entry.exampleFile)));
  out.push('');
  const predictor = e.components.find(c => c.role === EndpointRole.PREDICTOR)!;
  if (isvc.transformer) {
    out.push(`Call the predictor directly, bypassing the transformer (its request is what ${isvc.predictor.serverName} takes):`);
    out.push('');
    out.push(code('sh', curl(`http://\${INGRESS_HOST}:\${INGRESS_PORT}${predictor.inferPath}`, predictor.host, predictor.exampleFile)));
    out.push('');
  }
  for (const c of e.components.filter(x => [EndpointRole.CANARY, EndpointRole.LATEST_REVISION, EndpointRole.PREVIOUS_REVISION].includes(x.role))) {
    if (c.host) {
      out.push(`The ${c.role} alone: the same call with \`-H "Host: ${c.host}"\`.`);
    } else {
      out.push(`The ${c.role} alone, which no ingress host reaches: forward a local port to its Service (in-cluster clients call \`${c.internalUrl}${c.inferPath}\`):`);
      out.push('');
      out.push(code('sh', [
        `kubectl -n ${ns} port-forward service/${c.internalUrl!.replace(/^http:\/\//, '').split('.')[0]} 8082:80`,
        '# in another shell, from this folder:',
        curl(`http://127.0.0.1:8082${c.inferPath}`, undefined, c.exampleFile),
      ].join('\n')));
    }
    out.push('');
  }
  out.push('The same call with the package CLI, which checks the request, prints the response and the latency:');
  out.push('');
  out.push(code('sh', `npx cdk8s-kserve infer "http://\${INGRESS_HOST}:\${INGRESS_PORT}" --host ${e.entry.host} --model ${isvc.name} --data example_inputs/${e.entry.exampleFile ?? '<request>.json'}`));
  out.push('');
  if (e.entry.exampleFile) {
    out.push(`A load test of it, counting its pods per component with kubectl; \`${resultsDir}/report.html\` plots latency, requests per second and pods (outside this folder, which the next synth replaces; \`--out\` to choose; \`--component predictor\` for the predictor alone, \`--steps\` for autoscaling advice, \`--help\` for the rest):`);
    out.push('');
    out.push(code('sh', `npx cdk8s-kserve loadtest "http://\${INGRESS_HOST}:\${INGRESS_PORT}" --from . --isvc ${ns}/${isvc.name} --rate 10 --duration 60`));
    out.push('');
  }

  out.push('### Call the predictor without the ingress');
  out.push('');
  const pod = `"$(kubectl -n ${ns} get pod -l ${podSelector(isvc.name, 'predictor')} -o name | head -n 1)"`;
  out.push(knative
    ? `Forward a local port straight to ${isvc.predictor.serverName} in a predictor pod (Knative routes only through the gateway; this skips the queue proxy and the logger agent, so the call is not logged):`
    : 'Forward a local port to the predictor\'s Service (through the logger agent, when logging is on):');
  out.push('');
  out.push(code('sh', [
    knative ? `kubectl -n ${ns} port-forward ${pod} 8081:${grpc ? 9000 : 8080}` : `kubectl -n ${ns} port-forward service/${isvc.predictorServiceName} 8081:80`,
    '# in another shell, from this folder:',
    curl(`http://127.0.0.1:8081${predictor.inferPath}`, undefined, predictor.exampleFile),
  ].join('\n')));
  out.push('');

  out.push('### Watch, inspect, delete');
  out.push('');
  const kubectl: string[] = [
    `kubectl -n ${ns} wait --for=condition=Ready inferenceservice/${isvc.name} --timeout=15m`,
    `kubectl -n ${ns} get inferenceservice ${isvc.name}`,
    `kubectl -n ${ns} describe inferenceservice ${isvc.name}`,
    `kubectl -n ${ns} get pods -l ${podSelector(isvc.name)}`,
    knative
      ? `kubectl -n ${ns} get revisions -l serving.knative.dev/service=${isvc.predictorServiceName}`
      : `kubectl -n ${ns} get deployment,service ${[isvc.predictorServiceName, ...(isvc.transformer ? [isvc.transformerServiceName] : [])].join(' ')}`,
    `kubectl -n ${ns} logs -l ${podSelector(isvc.name, 'predictor')} -c kserve-container --tail=50`,
    ...(isvc.transformer ? [`kubectl -n ${ns} logs -l ${podSelector(isvc.name, 'transformer')} -c kserve-container --tail=50`] : []),
  ];
  for (const s of sinks) {
    if (s instanceof MessageDumper) {
      const selector = s.deploymentMode === DeploymentMode.KNATIVE ? `serving.knative.dev/service=${s.name}` : `app.kubernetes.io/instance=${s.name}`;
      kubectl.push(`kubectl -n ${s.namespace} logs -l ${selector} -c event-display --tail=1000 | ${EVENTS_WITH_ID}   # every logged event that carries \${ID}`);
    }
  }
  kubectl.push(`kubectl delete -f ${file}   # everything in this file; with GitOps, remove it from Git instead`);
  kubectl.push(`kubectl -n ${ns} delete inferenceservice ${isvc.name}   # the InferenceService only`);
  out.push(code('sh', kubectl.join('\n')));
  return out.join('\n');
}

/** An InferenceService with the chart file it is written to. */
export interface PlacedInferenceService {
  readonly isvc: InferenceService;
  /** File name of its chart in the output folder. */
  readonly file: string;
  readonly examples: ExampleInputs;
}

/** An object several charts define alike, written once. */
export interface SharedObjectPlacement {
  /** `serving.knative.dev/v1 Service default/message-dumper`. */
  readonly identity: string;
  /** The file it is written to. */
  readonly file: string;
  /** The other files whose charts define it too. */
  readonly alsoDefinedIn: string[];
}

/** ENDPOINTS.md of an output folder. */
export function endpointsDocument(placed: PlacedInferenceService[], shared: SharedObjectPlacement[] = [], resultsDir = 'loadtest-results'): string {
  const parts = [
    '# Endpoints',
    '',
    'Generated by cdk8s-kserve from the app that wrote this folder; edit the app, not this file.',
    'Commands run from this folder. Apply it with `kubectl apply -k .` (or `kubectl apply -f .`), or let Argo CD or Flux sync it.',
  ];
  if (shared.length > 0) {
    parts.push('', 'Objects that several charts share are written once, in the first chart\'s file; `kubectl delete -f` of that file deletes them for every chart:', '');
    for (const x of shared) parts.push(`- \`${x.identity}\` in \`${x.file}\`, also used by ${x.alsoDefinedIn.map(f => `\`${f}\``).join(', ')}`);
  }
  for (const p of placed) parts.push('', endpointsSection(p.isvc, p.examples, p.file, resultsDir));
  return `${parts.join('\n')}\n`;
}

/** Every InferenceService under a scope, in construct order. */
export function inferenceServicesOf(scope: IConstruct): InferenceService[] {
  return scope.node.findAll().filter((c): c is InferenceService => c instanceof InferenceService);
}
