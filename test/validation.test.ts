/**
 * The synth-time validation: one `fails when ...` case per rule (most rules have several), each
 * asserting the exact message line and that nothing is written; the warnings, strict mode and
 * suppressions; and that the library's schema walker agrees with ajv on the real CRDs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import {
  ALL_RULES, ArgoCdApplication, IngressGateway, AzureBlobCreds, ContainerSecurity, ImageDigests, InferenceServiceNetworkPolicies, FluxGitRepository, FluxKustomization, V2Datatype, formatFinding, AzureCredentials, Cpu, DeploymentMode, EnvValue, InferenceService, InferenceServiceChart,
  InferenceServiceProps, MessageDumperProps, KnativeScaling, KnativeVersion, KServeVersion, LoggerMode, LoggerSink, MessageDumper, ModelStorage, PythonTransformer,
  PythonTransformerProps, DeploymentStrategy, HpaMetric, KedaMetric, KnativeMetric, RolloutStage, StandardAutoscaler, synthToDirectory, SynthError, TritonPredictor, TritonPredictorProps, TritonProtocol, Validation,
} from '../lib';
import { SchemaName, specViolations } from '../lib/validation/schema';
import { PropsError } from '../lib/validation/props';
import { generatedSchemas } from '../scripts/props-schema';
import { unlessPassedBefore } from './check-cache';
import { SchemaSet, schemaErrors, schemaSetFor } from './schema';
import { synth } from './util';
import { CANARY_ENVIRONMENT, fakeSealedValue } from './secrets';

const PVC = ModelStorage.fromUri('pvc://models/triton');

/** Values shaped like kubeseal output (a 512-byte sealed key and a ciphertext) for every key, overridden by `values`. */
function sealed(values: Record<string, string>): Record<string, string> {
  return { ...Object.fromEntries(['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'].map(k => [k, fakeSealedValue(k)])), ...values };
}
const IMAGE = 'registry.example.com/ml/transformer:1.0.0';

interface Model {
  readonly predictor?: Partial<TritonPredictorProps>;
  /** Transformer props, or true for the defaults. */
  readonly transformer?: Partial<PythonTransformerProps> | true;
  readonly isvc?: Partial<InferenceServiceProps>;
  /** JSON patches on the InferenceService object (the escape hatch). */
  readonly patch?: JsonPatch[];
  /** A rollout with a candidate predictor `test/candidate` (storage pvc://models/triton-v2). */
  readonly rollout?: { readonly stage: RolloutStage; readonly candidate?: Partial<TritonPredictorProps> };
}

/** An InferenceService `m` with constructs `test/predictor`, `test/transformer`, `test/isvc`. */
function model(chart: Chart, m: Model = {}): InferenceService {
  const predictor = new TritonPredictor(chart, 'predictor', { storage: PVC, ...m.predictor });
  const transformer = m.transformer
    ? new PythonTransformer(chart, 'transformer', { image: IMAGE, ...(m.transformer === true ? {} : m.transformer) })
    : undefined;
  const rollout = m.rollout && {
    stage: m.rollout.stage,
    candidate: new TritonPredictor(chart, 'candidate', { storage: ModelStorage.fromUri('pvc://models/triton-v2'), ...m.rollout.candidate }),
  };
  const isvc = new InferenceService(chart, 'isvc', { name: 'm', predictor, transformer, rollout, ...m.isvc });
  if (m.patch) ApiObject.of(isvc).addJsonPatch(...m.patch);
  return isvc;
}

const v = (kserveVersion: KServeVersion) => ({ kserveVersion });
const standard = { deploymentMode: DeploymentMode.STANDARD };

interface Case {
  /** Completes "fails when ...". */
  readonly when: string;
  readonly rule: string;
  /** The whole expected message line. */
  readonly line: string;
  readonly build: (chart: Chart) => void;
}

const ERRORS: Case[] = [
  // ---- Names
  { when: 'the InferenceService name has capitals and an underscore', rule: 'name',
    build: c => model(c, { isvc: { name: 'My_Model' } }),
    line: 'test/isvc: error [name] name ("My_Model") must be lowercase letters, digits and \'-\', start with a letter and end with a letter or digit (KServe\'s webhook rejects anything else)' },
  { when: 'the name starts with a digit', rule: 'name',
    build: c => model(c, { isvc: { name: '1model' } }),
    line: 'test/isvc: error [name] name ("1model") must be lowercase letters, digits and \'-\', start with a letter and end with a letter or digit (KServe\'s webhook rejects anything else)' },
  { when: '<name>-transformer would exceed 63 characters in Knative mode', rule: 'name-length',
    build: c => model(c, { isvc: { name: 'a'.repeat(52) }, transformer: true }),
    line: `test/isvc: error [name-length] name ("${'a'.repeat(52)}") must be at most 51 characters (it has 52): KServe creates the Knative Service "${'a'.repeat(52)}-transformer", which must fit a 63-character DNS label` },
  { when: 'the ingress gateway namespace cannot be a namespace', rule: 'object-name',
    build: c => model(c, { isvc: { ingressGateway: IngressGateway.service('Kourier System', 'kourier') } }),
    line: 'test/isvc: error [object-name] ingressGateway namespace ("Kourier System") must be a DNS label: at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit' },
  // kserve v0.20.0 reconcilers/knative/ksvc_reconciler.go:134-152: latest- with tag routing, prev- while a canary splits.
  { when: 'tag routing would give the transformer the host label latest-<name>-transformer over 63 characters', rule: 'name-length',
    build: c => model(c, { isvc: { name: 'a'.repeat(45), tagRouting: true }, transformer: true }),
    line: `test/isvc: error [name-length] name ("${'a'.repeat(45)}") must be at most 44 characters (it has 45): with tagRouting, Knative gives "${'a'.repeat(45)}-transformer" the host label "latest-${'a'.repeat(45)}-transformer", which must fit 63 characters` },
  { when: 'a Knative canary would give the previous revision the host label prev-<name>-predictor over 63 characters', rule: 'name-length',
    build: c => model(c, { isvc: { name: 'a'.repeat(50) }, rollout: { stage: RolloutStage.canary(10) } }),
    line: `test/isvc: error [name-length] name ("${'a'.repeat(50)}") must be at most 48 characters (it has 50): with the canary, Knative gives "${'a'.repeat(50)}-predictor" the host label "prev-${'a'.repeat(50)}-predictor", which must fit 63 characters` },
  { when: 'the Standard-mode pod label isvc.<name>-transformer would exceed 63 characters', rule: 'name-length-standard',
    build: c => model(c, { isvc: { name: 'a'.repeat(47), ...standard, namespace: 'ns' }, transformer: true, predictor: { maxReplicas: 2 } }),
    line: `test/isvc: error [name-length-standard] name ("${'a'.repeat(47)}") must be at most 46 characters (it has 47): the pod label "isvc.${'a'.repeat(47)}-transformer" must fit 63 characters` },
  { when: 'the Standard-mode host label <name>-predictor-<namespace> would exceed 63 characters', rule: 'name-length-standard',
    build: c => model(c, { isvc: { name: 'a'.repeat(30), ...standard, namespace: 'n'.repeat(23) }, predictor: { maxReplicas: 2 } }),
    line: `test/isvc: error [name-length-standard] name and namespace ("${'a'.repeat(30)}, ${'n'.repeat(23)}") must be at most 52 characters together (they have 53): the host label "${'a'.repeat(30)}-predictor-${'n'.repeat(23)}" must fit 63 characters` },
  { when: 'the namespace is not a DNS label', rule: 'object-name',
    build: c => model(c, { isvc: { namespace: 'ML_Team' } }),
    line: 'test/isvc: error [object-name] namespace ("ML_Team") must be a DNS label: at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit' },
  { when: 'the message dumper name starts with a digit', rule: 'object-name',
    build: c => new MessageDumper(c, 'dumper', { name: '1-dumper' }),
    line: 'test/dumper: error [object-name] name ("1-dumper") must be a DNS-1035 label: at most 63 lowercase letters, digits and \'-\', starting with a letter (Service names)' },
  { when: 'the ServiceAccount name is not a DNS subdomain', rule: 'object-name',
    build: c => new AzureBlobCreds(c, 'creds', { serviceAccountName: 'Azure_SA' }),
    line: 'test/creds: error [object-name] serviceAccountName ("Azure_SA") must be a DNS subdomain: at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit' },
  { when: 'a chart id would make cdk8s hash the file name', rule: 'object-name',
    build: c => new InferenceServiceChart(c.node.root as App, 'My-Model', { name: 'm', modelUri: 'pvc://m/t' }),
    line: 'My-Model: error [object-name] chart id ("My-Model") must be lowercase letters, digits and \'-\': cdk8s otherwise adds a hash to the file name in dist/' },

  // ---- Annotations
  { when: 'the user sets the deployment-mode annotation', rule: 'annotations',
    build: c => model(c, { isvc: { annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' } } }),
    line: 'test/isvc: error [annotations] annotations["serving.kserve.io/deploymentMode"] ("RawDeployment") must not be set: it is written from deploymentMode, spelled for the target KServe version; fix: set deploymentMode' },
  { when: 'a patch respells the deployment mode for the wrong version', rule: 'annotations',
    build: c => model(c, { patch: [JsonPatch.replace('/metadata/annotations/serving.kserve.io~1deploymentMode', 'Serverless')] }),
    line: 'test/isvc: error [annotations] metadata.annotations["serving.kserve.io/deploymentMode"] ("Serverless") must be Knative for Knative mode on KServe 0.20; fix: set deploymentMode on the construct instead of patching the annotation' },
  { when: 'the InferenceService carries Knative min-scale', rule: 'annotations',
    build: c => model(c, { isvc: { annotations: { 'autoscaling.knative.dev/min-scale': '2' } } }),
    line: 'test/isvc: error [annotations] metadata.annotations["autoscaling.knative.dev/min-scale"] ("2") is stripped by KServe: set minReplicas instead' },
  { when: 'a component carries the camelCase maxScale', rule: 'annotations',
    build: c => model(c, { predictor: { annotations: { 'autoscaling.knative.dev/maxScale': '9' } } }),
    line: 'test/predictor: error [annotations] spec.predictor.annotations["autoscaling.knative.dev/maxScale"] ("9") is stripped by KServe: set maxReplicas instead' },
  { when: 'an internal KServe annotation is authored', rule: 'annotations',
    build: c => model(c, { isvc: { annotations: { 'internal.serving.kserve.io/storage-initializer-sourceuri': 'x' } } }),
    line: 'test/isvc: error [annotations] metadata.annotations["internal.serving.kserve.io/storage-initializer-sourceuri"] ("x") is written by the KServe controller and must not be authored' },
  { when: 'a patch puts an autoscaling annotation on the message dumper Service itself', rule: 'annotations',
    build: c => ApiObject.of(new MessageDumper(c, 'dumper')).addJsonPatch(JsonPatch.add('/metadata/annotations', { 'autoscaling.knative.dev/target': '10' })),
    line: 'test/dumper: error [annotations] metadata.annotations["autoscaling.knative.dev/target"] ("10") is only valid on the revision template: move it to spec.template.metadata.annotations' },
  { when: 'the autoscaler class is keda on KServe 0.12', rule: 'autoscaler-class',
    build: c => model(c, { isvc: { ...v(KServeVersion.V0_12), ...standard }, predictor: { maxReplicas: 2, standard: { autoscaler: StandardAutoscaler.keda({ metrics: [KedaMetric.cpu(70)] }) } } }),
    line: 'test/isvc: error [autoscaler-class] metadata.annotations["serving.kserve.io/autoscalerClass"] ("keda") must be one of hpa, external on KServe 0.12' },
  { when: 'targetUtilizationPercentage is 150 on KServe 0.14', rule: 'target-utilization-annotation',
    build: c => model(c, { isvc: { ...v(KServeVersion.V0_14), annotations: { 'serving.kserve.io/targetUtilizationPercentage': '150' } } }),
    line: 'test/isvc: error [target-utilization-annotation] metadata.annotations["serving.kserve.io/targetUtilizationPercentage"] ("150") must be a whole number from 1 to 100' },

  // ---- InferenceService shape (escape hatch)
  { when: 'a patch adds a framework key beside model', rule: 'predictor-implementation',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/onnx', { storageUri: 'pvc://x/y' })] }),
    line: 'test/predictor: error [predictor-implementation] spec.predictor.onnx ("onnx") must not be set beside model: a predictor has exactly one implementation' },
  { when: 'a patch adds a sidecar container beside model on KServe 0.14', rule: 'predictor-implementation',
    build: c => model(c, { isvc: v(KServeVersion.V0_14), patch: [JsonPatch.add('/spec/predictor/containers', [{ name: 'sidecar', image: 'busybox:1.36' }])] }),
    line: 'test/predictor: error [predictor-implementation] spec.predictor.containers (["sidecar"]) must be empty beside model on KServe 0.14 (extra containers count as a second implementation before 0.15)' },
  { when: 'a patch adds a kserve-container beside model on KServe 0.20', rule: 'predictor-implementation',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/containers', [{ name: 'kserve-container', image: 'busybox:1.36' }])] }),
    line: 'test/predictor: error [predictor-implementation] spec.predictor.containers[0].name ("kserve-container") must not be kserve-container beside model: that makes a second implementation' },
  { when: 'a patch names the model container on KServe 0.16', rule: 'predictor-model-name',
    build: c => model(c, { isvc: v(KServeVersion.V0_16), patch: [JsonPatch.add('/spec/predictor/model/name', 'triton')] }),
    line: 'test/predictor: error [predictor-model-name] spec.predictor.model.name ("triton") must not be set: KServe 0.16+ rejects a name inside the model spec' },
  { when: 'a patch sets the v1 protocol on Triton', rule: 'triton-model',
    build: c => model(c, { patch: [JsonPatch.replace('/spec/predictor/model/protocolVersion', 'v1')] }),
    line: 'test/predictor: error [triton-model] spec.predictor.model.protocolVersion ("v1") must be v2 or grpc-v2: the Triton runtime speaks only the Open Inference Protocol' },
  { when: 'a patch renames the transformer container', rule: 'transformer-containers',
    build: c => model(c, { transformer: true, patch: [JsonPatch.replace('/spec/transformer/containers/0/name', 'main')] }),
    line: 'test/transformer: error [transformer-containers] spec.transformer.containers[0].name ("main") must be kserve-container: KServe renames it otherwise and GitOps shows a diff' },
  { when: 'a patch empties the transformer containers', rule: 'transformer-containers',
    build: c => model(c, { transformer: true, patch: [JsonPatch.replace('/spec/transformer/containers', [])] }),
    line: 'test/transformer: error [transformer-containers] spec.transformer.containers ([]) must have at least one container' },
  { when: 'a collocated transformer-container carries STORAGE_URI', rule: 'collocated-transformer',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/containers', [{ name: 'transformer-container', image: IMAGE, env: [{ name: 'STORAGE_URI', value: 'pvc://a/b' }] }])] }),
    line: 'test/predictor: error [collocated-transformer] spec.predictor.containers[0].env ("STORAGE_URI") must not be set on transformer-container' },
  { when: 'storageUris is combined with storageUri', rule: 'storage-uris',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/storageUris', [{ uri: 'pvc://a/b', mountPath: '/mnt/b' }])] }),
    line: 'test/predictor: error [storage-uris] spec.predictor.storageUris (1) must not be combined with a single storage URI' },
  { when: 'storageUris is used on KServe 0.15 with a mount path of /', rule: 'storage-uris',
    build: c => model(c, { isvc: v(KServeVersion.V0_15), patch: [JsonPatch.remove('/spec/predictor/model/storageUri'), JsonPatch.add('/spec/predictor/storageUris', [{ uri: 'pvc://a/b', mountPath: '/' }])] }),
    line: 'test/predictor: error [storage-uris] spec.predictor.storageUris[0].mountPath ("/") must be an absolute path other than / without ..' },
  { when: 'a patch sets a deployment strategy in Knative mode', rule: 'deployment-strategy',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/deploymentStrategy', { type: 'Recreate' })] }),
    line: 'test/predictor: error [deployment-strategy] spec.predictor.deploymentStrategy ({"type":"Recreate"}) is only supported in Standard mode' },
  { when: 'a patch adds a misspelled field', rule: 'schema',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/tolerance', [])] }),
    line: 'test/predictor: error [schema] spec.predictor.tolerance ([]) is not a field here; did you mean tolerations? (InferenceService schema of KServe 0.20.0)' },
  { when: 'a patch sets a value outside the CRD enum', rule: 'schema',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/scaleMetricType', 'Percent')] }),
    line: 'test/predictor: error [schema] spec.predictor.scaleMetricType ("Percent") must be one of "Utilization", "Value", "AverageValue" (InferenceService schema of KServe 0.20.0)' },
  { when: 'a field that only exists in newer CRDs is used on KServe 0.11', rule: 'schema',
    build: c => model(c, { isvc: v(KServeVersion.V0_11), patch: [JsonPatch.add('/spec/predictor/autoScaling', { metrics: [] })] }),
    line: 'test/predictor: error [schema] spec.predictor.autoScaling ({"metrics":[]}) is not a field of KServe 0.11 (InferenceService schema of KServe 0.11.2): KServe 0.15 is the first version that has it; fix: set kserveVersion to 0.15 or newer if the cluster runs it, or leave the field out' },
  // Each minor against its own CRD: metadataHeaders is in kserve-v0.14.1's CRD and not in 0.13.1's.
  { when: 'logger metadataHeaders are given on KServe 0.13', rule: 'schema',
    build: c => model(c, { isvc: v(KServeVersion.V0_13), predictor: { logger: { sink: new MessageDumper(c, 'dumper', v(KServeVersion.V0_13)), metadataHeaders: ['X-Request-Id'] } } }),
    line: 'test/predictor: error [schema] spec.predictor.logger.metadataHeaders (["X-Request-Id"]) is not a field of KServe 0.13 (InferenceService schema of KServe 0.13.1): KServe 0.14 is the first version that has it; fix: set kserveVersion to 0.14 or newer if the cluster runs it, or leave the field out' },
  { when: 'a patch misspells a field of the message dumper', rule: 'schema',
    build: c => ApiObject.of(new MessageDumper(c, 'dumper')).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/imagePullPolicyy', 'Always')),
    line: 'test/dumper: error [schema] spec.template.spec.containers[0].imagePullPolicyy ("Always") is not a field here; did you mean imagePullPolicy? (Knative Service schema of Knative 1.21.1)' },

  // ---- Containers
  { when: 'the transformer sets PYTHONPATH (even on KServe 0.11)', rule: 'pythonpath',
    build: c => model(c, { isvc: v(KServeVersion.V0_11), transformer: { env: { PYTHONPATH: EnvValue.fromValue('/app') } } }),
    line: 'test/transformer: error [pythonpath] spec.transformer.containers[0].env[0].name ("PYTHONPATH") must not be set: KServe 0.18+ rejects it; fix: bake the path into the image' },
  { when: 'the predictor sets PYTHONPATH', rule: 'pythonpath',
    build: c => model(c, { predictor: { env: { PYTHONPATH: EnvValue.fromValue('/models') } } }),
    line: 'test/predictor: error [pythonpath] spec.predictor.model.env[0].name ("PYTHONPATH") must not be set: KServe 0.18+ rejects it; fix: bake the path into the image' },
  { when: 'the predictor declares two ports (REST and gRPC)', rule: 'knative-ports',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/model/ports', [{ name: 'h2c', containerPort: 9000 }, { name: 'http1', containerPort: 8080 }])] }),
    line: 'test/predictor: error [knative-ports] spec.predictor ports ([9000,8080]) must be at most one container port across the component: Knative routes to a single port; fix: serve REST on 8080 without a port, or gRPC on one port named h2c' },
  { when: 'a gRPC port is named grpc', rule: 'knative-ports',
    build: c => model(c, { predictor: { protocol: TritonProtocol.GRPC_V2 }, patch: [JsonPatch.replace('/spec/predictor/model/ports/0/name', 'grpc')] }),
    line: 'test/predictor: error [knative-ports] spec.predictor.model.ports[0].name ("grpc") must be h2c (gRPC), http1 or empty' },
  { when: 'the transformer uses Knative\'s reserved port 8012', rule: 'knative-ports',
    build: c => model(c, { transformer: true, patch: [JsonPatch.add('/spec/transformer/containers/0/ports', [{ containerPort: 8012 }])] }),
    line: 'test/transformer: error [knative-ports] spec.transformer.containers[0].ports[0].containerPort (8012) must not be one of Knative\'s reserved ports 8008, 8012, 8013, 8022, 9090, 9091' },
  { when: 'the transformer sets K_SERVICE', rule: 'knative-reserved',
    build: c => model(c, { transformer: { env: { K_SERVICE: EnvValue.fromValue('x') } } }),
    line: 'test/transformer: error [knative-reserved] spec.transformer.containers[0].env[0].name ("K_SERVICE") must not be one of PORT, K_SERVICE, K_CONFIGURATION, K_REVISION: Knative sets them' },
  // knative/serving knative-v1.10.1 pkg/apis/serving/k8s_validation.go:43-50 and :668-672; 1.13.0 freed /tmp, /var, /var/log.
  { when: 'the transformer\'s tmpDir is /tmp on KServe 0.11, which installs Knative 1.10', rule: 'knative-reserved',
    build: c => model(c, { isvc: v(KServeVersion.V0_11), transformer: { security: ContainerSecurity.restricted({ tmpDir: '/tmp' }) } }),
    line: 'test/transformer: error [knative-reserved] spec.transformer.containers[0].volumeMounts[0].mountPath ("/tmp") must not be one of /, /dev, /dev/log, /tmp, /var, /var/log: Knative 1.10 reserves them and rejects the Knative Service; fix: mount it elsewhere (the security option tmpDir, /scratch by default, is a writable directory every Knative accepts), or set knativeVersion to 1.13 or newer if the cluster runs it' },
  { when: 'a patch mounts a volume at /var/log/ on a cluster that runs Knative 1.12', rule: 'knative-reserved',
    build: c => model(c, { isvc: { knativeVersion: KnativeVersion.V1_12 }, patch: [JsonPatch.add('/spec/predictor/model/volumeMounts/-', { name: 'scratch', mountPath: '/var/log/' })] }),
    line: 'test/predictor: error [knative-reserved] spec.predictor.model.volumeMounts[1].mountPath ("/var/log/") must not be one of /, /dev, /dev/log, /tmp, /var, /var/log: Knative 1.12 reserves them and rejects the Knative Service; fix: mount it elsewhere (the security option tmpDir, /scratch by default, is a writable directory every Knative accepts), or set knativeVersion to 1.13 or newer if the cluster runs it' },
  { when: 'the message dumper mounts a writable path at /dev (reserved by every Knative)', rule: 'knative-reserved',
    build: c => new MessageDumper(c, 'dumper', { security: ContainerSecurity.restricted({ imageUser: true, writablePaths: ['/dev'] }) }),
    line: 'test/dumper: error [knative-reserved] spec.template.spec.containers[0].volumeMounts[0].mountPath ("/dev") must not be one of /, /dev, /dev/log: Knative 1.21 reserves them and rejects the Knative Service; fix: mount it elsewhere' },
  { when: 'a container is named queue-proxy', rule: 'knative-reserved',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/containers', [{ name: 'queue-proxy', image: IMAGE }])] }),
    line: 'test/predictor: error [knative-reserved] spec.predictor.containers[0].name ("queue-proxy") must not be queue-proxy: Knative adds a container of that name' },

  // ---- Resources
  { when: 'a patch drops the CPU limit of a 4-CPU request', rule: 'resources',
    build: c => model(c, { transformer: { resources: { cpu: { request: Cpu.cores(4) } } }, patch: [JsonPatch.remove('/spec/transformer/containers/0/resources/limits/cpu')] }),
    line: 'test/transformer: error [resources] spec.transformer.containers[0].resources.limits.cpu (not set) must be set because spec.transformer.containers[0].resources.requests.cpu is: KServe fills a missing limit with its default (1 CPU / 2Gi), which breaks a larger request; fix: set spec.transformer.containers[0].resources.limits.cpu' },
  { when: 'a memory request exceeds its limit', rule: 'resources',
    build: c => model(c, { predictor: { resources: { memory: { request: Size.gibibytes(16), limit: Size.gibibytes(8) } } } }),
    line: 'test/predictor: error [resources] spec.predictor.model.resources.requests.memory ("16Gi") must not exceed the limit ("8Gi")' },
  { when: 'a GPU request differs from its limit', rule: 'resources',
    build: c => model(c, { predictor: { gpus: 2 }, patch: [JsonPatch.add('/spec/predictor/model/resources/requests/nvidia.com~1gpu', '1')] }),
    line: 'test/predictor: error [resources] spec.predictor.model.resources.requests.nvidia.com/gpu ("1") must equal the limit ("2"): Kubernetes does not overcommit extended resources such as GPUs' },
  { when: 'a CPU amount is finer than a millicore', rule: 'resources',
    build: c => model(c, { transformer: { resources: { cpu: { request: Cpu.millis(0.5) } } } }),
    line: 'test/transformer: error [resources] spec.transformer.containers[0].resources.requests.cpu ("0.5m") must be whole millicores: Kubernetes has no finer CPU unit' },
  { when: 'the GPU count is negative', rule: 'resources',
    build: c => model(c, { predictor: { gpus: -1 } }),
    line: 'test/predictor: error [resources] gpus (-1) must be a whole number of at least 0' },
  { when: 'a patch sets a malformed quantity', rule: 'resources',
    build: c => model(c, { patch: [JsonPatch.replace('/spec/predictor/model/resources/limits/memory', '8 GB')] }),
    line: 'test/predictor: error [resources] spec.predictor.model.resources.limits.memory ("8 GB") must be a positive Kubernetes quantity such as 500m, 2 or 8Gi' },

  // ---- Images
  { when: 'the transformer image has no tag', rule: 'image-pinned',
    build: c => model(c, { transformer: { image: 'registry.example.com/ml/transformer' } }),
    line: 'test/transformer: error [image-pinned] spec.transformer.containers[0].image ("registry.example.com/ml/transformer") must have a tag or digest: an untagged image is latest; fix: pin a version tag or @sha256 digest, or Validation.suppress(scope, \'image-pinned\', reason)' },
  { when: 'the transformer image is :latest (the registry port is not a tag)', rule: 'image-pinned',
    build: c => model(c, { transformer: { image: 'localhost:5000/transformer:latest' } }),
    line: 'test/transformer: error [image-pinned] spec.transformer.containers[0].image ("localhost:5000/transformer:latest") must not use the moving tag latest; fix: pin a version tag or @sha256 digest, or Validation.suppress(scope, \'image-pinned\', reason)' },
  { when: 'the transformer image is empty', rule: 'image-pinned',
    build: c => model(c, { transformer: { image: ' ' } }),
    line: 'test/transformer: error [image-pinned] spec.transformer.containers[0].image (" ") must name an image, pinned by tag or digest' },
  { when: 'the Triton runtimeVersion is latest', rule: 'image-pinned',
    build: c => model(c, { predictor: { runtimeVersion: 'latest' } }),
    line: 'test/predictor: error [image-pinned] spec.predictor.model.runtimeVersion ("latest") must be a fixed Triton tag such as 24.08-py3' },
  { when: 'the message dumper image is the untagged sample image', rule: 'image-pinned',
    build: c => new MessageDumper(c, 'dumper', { image: 'gcr.io/knative-releases/knative.dev/eventing-contrib/cmd/event_display' }),
    line: 'test/dumper: error [image-pinned] spec.template.spec.containers[0].image ("gcr.io/knative-releases/knative.dev/eventing-contrib/cmd/event_display") must have a tag or digest: an untagged image is latest; fix: pin a version tag or @sha256 digest, or Validation.suppress(scope, \'image-pinned\', reason)' },

  { when: 'a digest in the image lock is malformed', rule: 'image-digest',
    build: c => { ImageDigests.pin(c, { [IMAGE]: 'sha256:abc' }); model(c, { transformer: true }); },
    line: 'test/transformer: error [image-digest] image digest ("sha256:abc") must be sha256:<64 lowercase hex digits> (the lock entry of registry.example.com/ml/transformer:1.0.0)' },
  { when: 'digests are required and the transformer image is not in the lock', rule: 'image-digest',
    build: c => { ImageDigests.pin(c, {}, { require: true }); model(c, { transformer: true }); },
    line: 'test/transformer: error [image-digest] spec.transformer.containers[0].image ("registry.example.com/ml/transformer:1.0.0") must be pinned by digest: ImageDigests.pin(..., { require: true }) is in effect; fix: add the image to the ImageDigests lock with its sha256 digest' },
  { when: 'digests are required and the Triton runtime image is not in the lock', rule: 'image-digest',
    build: c => { ImageDigests.pin(c, {}, { require: true }); model(c, { predictor: { runtimeVersion: '24.08-py3' } }); },
    line: 'test/predictor: error [image-digest] spec.predictor.model (runtime kserve-tritonserver) ("nvcr.io/nvidia/tritonserver:24.08-py3") must be pinned by digest: ImageDigests.pin(..., { require: true }) is in effect; fix: add this Triton image to the ImageDigests lock with its sha256 digest' },
  { when: 'digests are required and the predictor names a runtime of its own', rule: 'image-digest',
    build: c => { ImageDigests.pin(c, {}, { require: true }); model(c, { predictor: { runtime: 'triton-custom' } }); },
    line: 'test/predictor: error [image-digest] runtime ("triton-custom") has an image this library does not know, so it cannot be pinned here; fix: pin the image by digest in the ServingRuntime, then Validation.suppress(scope, \'image-digest\', reason)' },
  { when: 'an image pull secret name has capitals', rule: 'image-pull-secrets',
    build: c => model(c, { transformer: { imagePullSecrets: ['Registry_Login'] } }),
    line: 'test/transformer: error [image-pull-secrets] imagePullSecrets ("Registry_Login") must be Secret names: DNS subdomains of lowercase letters, digits, \'-\' and \'.\'' },

  // ---- Security context
  { when: 'the transformer runs as UID 0', rule: 'security-context',
    build: c => model(c, { transformer: { security: ContainerSecurity.restricted({ runAsUser: 0 }) } }),
    line: 'test/transformer: error [security-context] security.runAsUser (0) must be a whole number from 1 to 2147483647: 0 is root, which runAsNonRoot refuses' },
  { when: 'the image user and a fixed UID are both asked for', rule: 'security-context',
    build: c => new MessageDumper(c, 'dumper', { security: ContainerSecurity.restricted({ imageUser: true, runAsUser: 1000 }) }),
    line: 'test/dumper: error [security-context] security.imageUser (true) must not be set together with runAsUser: choose the image\'s user or a fixed UID' },
  { when: 'a writable path is relative', rule: 'security-context',
    build: c => model(c, { predictor: { security: ContainerSecurity.restricted({ writablePaths: ['tmp'] }) } }),
    line: 'test/predictor: error [security-context] security.writablePaths ("tmp") must be an absolute path other than / without .. or a trailing /' },
  { when: 'a writable path is where KServe mounts the model', rule: 'security-context',
    build: c => model(c, { predictor: { security: ContainerSecurity.restricted({ writablePaths: ['/mnt/models'] }) } }),
    line: 'test/predictor: error [security-context] security.writablePaths ("/mnt/models") must not be /mnt/models (KServe mounts the model there) or /dev/shm (sharedMemorySize)' },
  { when: 'writable paths are given with a writable root filesystem', rule: 'security-context',
    build: c => model(c, { transformer: { security: ContainerSecurity.restricted({ readOnlyRootFilesystem: false, writablePaths: ['/cache'] }) } }),
    line: 'test/transformer: error [security-context] security.writablePaths (["/cache"]) must be unset when readOnlyRootFilesystem is false: the whole filesystem is writable' },
  { when: 'a tmpDir is given with a writable root filesystem', rule: 'security-context',
    build: c => model(c, { transformer: { security: ContainerSecurity.restricted({ readOnlyRootFilesystem: false, tmpDir: '/scratch' }) } }),
    line: 'test/transformer: error [security-context] security.tmpDir ("/scratch") must be unset when readOnlyRootFilesystem is false: the whole filesystem is writable' },
  { when: 'a writable path repeats the tmpDir', rule: 'security-context',
    build: c => model(c, { predictor: { security: ContainerSecurity.restricted({ writablePaths: ['/scratch'] }) } }),
    line: 'test/predictor: error [security-context] security.writablePaths ("/scratch") must not repeat a path (volume "writable-scratch")' },

  // kubernetes pkg/apis/core/validation/validation.go validateResourceRequirements: not KServe's CPU/memory default.
  { when: 'a patch requests a GPU without a limit', rule: 'resources',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/model/resources/requests/nvidia.com~1gpu', '1')] }),
    line: 'test/predictor: error [resources] spec.predictor.model.resources.limits.nvidia.com/gpu (not set) must be set because spec.predictor.model.resources.requests.nvidia.com/gpu is: Kubernetes rejects a request of an extended resource such as a GPU without a limit ("Limit must be set for non overcommitable resources"); fix: set spec.predictor.model.resources.limits.nvidia.com/gpu to the request (or only the limit: Kubernetes copies it to the request)' },

  // ---- Kubernetes syntax of env, labels, annotations, node selectors and resource names
  // (k8s.io/apimachinery v0.32.0 pkg/util/validation/validation.go; kubernetes core validation)
  // Props of the wrong type, as an app run through tsx (no type check) passes them: rule props,
  // checked against the schema generated from the interfaces (lib/validation/props-schema.ts).
  { when: 'an env value is a number', rule: 'props',
    build: c => model(c, { transformer: { env: { WORKERS: 4 as unknown as string } } }),
    line: 'test/transformer: error [props] env.WORKERS (4) must be a string or an EnvValue: write "4"' },
  { when: 'a transformer is passed as the predictor (a construct, which JSON cannot print)', rule: 'props',
    build: c => {
      new InferenceService(c, 'isvc', { name: 'm', predictor: new PythonTransformer(c, 'transformer', { image: IMAGE }) as unknown as TritonPredictor });
    },
    line: 'test/isvc: error [props] predictor (PythonTransformer test/transformer) must be a Predictor' },
  { when: 'env is a string instead of an object', rule: 'props',
    build: c => model(c, { predictor: { env: 'LOG_LEVEL=debug' as unknown as Record<string, string> } }),
    line: 'test/predictor: error [props] env ("LOG_LEVEL=debug") must be an object whose values are each a string or an EnvValue' },
  { when: 'a prop is misspelt (maxReplica): it would be dropped, and the GPU predictor would scale without bound', rule: 'props',
    build: c => model(c, { predictor: { maxReplica: 3 } as unknown as Partial<TritonPredictorProps> }),
    line: 'test/predictor: error [props] maxReplica (3) is not a prop here; did you mean maxReplicas?' },
  { when: 'a nested prop is misspelt (knative.targt)', rule: 'props',
    build: c => new InferenceServiceChart(c.node.root as App, 'chart', { modelUri: 'pvc://m/iris', predictor: { knative: { targt: 4 } as unknown as KnativeScaling } }),
    line: 'chart: error [props] predictor.knative.targt (4) is not a prop here; did you mean target?' },
  { when: 'a prop is unknown and like no other', rule: 'props',
    build: c => new MessageDumper(c, 'dumper', { color: 'blue' } as unknown as MessageDumperProps),
    line: 'test/dumper: error [props] color ("blue") is not a prop here (props: name, namespace, image, minScale, clusterLocal, kserveVersion, knativeVersion, deploymentMode, resources, security, automountServiceAccountToken, imagePullSecrets)' },
  { when: 'kserveVersion is a string, not a KServeVersion', rule: 'props',
    build: c => new InferenceServiceChart(c.node.root as App, 'chart', { modelUri: 'pvc://m/iris', kserveVersion: '0.20' as unknown as KServeVersion }),
    line: 'chart: error [props] kserveVersion ("0.20") must be a KServeVersion such as KServeVersion.V0_20 or KServeVersion.of(\'0.20\')' },
  { when: 'a required prop is missing (a TritonPredictor without storage)', rule: 'props',
    build: c => new TritonPredictor(c, 'predictor', {} as TritonPredictorProps),
    line: 'test/predictor: error [props] storage (not set) is required' },
  { when: 'an env var name starts with a digit', rule: 'env',
    build: c => model(c, { predictor: { env: { '1ST_GPU': '0' } } }),
    line: 'test/predictor: error [env] spec.predictor.model.env[0].name ("1ST_GPU") must be letters, digits, \'_\', \'-\' and \'.\', not starting with a digit' },
  { when: 'a patch adds an env var whose name has a space', rule: 'env',
    build: c => model(c, { transformer: true, patch: [JsonPatch.add('/spec/transformer/containers/0/env/-', { name: 'MY VAR', value: 'x' })] }),
    line: 'test/transformer: error [env] spec.transformer.containers[0].env[1].name ("MY VAR") must be letters, digits, \'_\', \'-\' and \'.\', not starting with a digit' },
  { when: 'a label key has two slashes', rule: 'metadata-syntax',
    build: c => model(c, { isvc: { labels: { 'ml.example.com/team/a': 'vision' } } }),
    line: 'test/isvc: error [metadata-syntax] metadata.labels key ("ml.example.com/team/a") must be a name with at most one \'/\', such as example.com/my-name' },
  { when: 'a pod label value is 64 characters', rule: 'metadata-syntax',
    build: c => model(c, { predictor: { labels: { commit: 'a'.repeat(64) } } }),
    line: `test/predictor: error [metadata-syntax] spec.predictor.labels["commit"] ("${'a'.repeat(64)}") must be at most 63 characters (it has 64)` },
  { when: 'a patch gives a label a number', rule: 'metadata-syntax',
    build: c => model(c, { patch: [JsonPatch.add('/metadata/labels', { replicas: 3 })] }),
    line: 'test/isvc: error [metadata-syntax] metadata.labels["replicas"] (3) must be a string (quote numbers and booleans)' },
  { when: 'an annotation key has a space', rule: 'metadata-syntax',
    build: c => model(c, { transformer: { annotations: { 'owner team': 'ml' } } }),
    line: 'test/transformer: error [metadata-syntax] spec.transformer.annotations key ("owner team") must have a name part of letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit' },
  { when: 'a nodeSelector value has spaces (a GPU product name as nvidia-smi prints it)', rule: 'metadata-syntax',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 2, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA A100 80GB' } } }),
    line: 'test/predictor: error [metadata-syntax] spec.predictor.nodeSelector["nvidia.com/gpu.product"] ("NVIDIA A100 80GB") must be empty or letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit' },
  { when: 'the GPU resource name has no domain', rule: 'metadata-syntax',
    build: c => model(c, { predictor: { gpus: 1, gpuResourceName: 'gpu' } }),
    line: 'test/predictor: error [metadata-syntax] spec.predictor.model.resources.limits key ("gpu") must be cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource with a domain, such as nvidia.com/gpu' },

  // distribution/reference v0.6.0 regexp.go / reference.go Parse; opencontainers/go-digest
  { when: 'the transformer image has a capital in its repository', rule: 'image-reference',
    build: c => model(c, { transformer: { image: 'registry.example.com/ML/Transformer:1.0.0' } }),
    line: 'test/transformer: error [image-reference] spec.transformer.containers[0].image ("registry.example.com/ML/Transformer:1.0.0") must have a lowercase repository name (only the registry host may have capitals)' },
  { when: 'an image digest is 63 hex digits', rule: 'image-reference',
    build: c => model(c, { transformer: { image: `r.io/t@sha256:${'a'.repeat(63)}` } }),
    line: `test/transformer: error [image-reference] spec.transformer.containers[0].image ("r.io/t@sha256:${'a'.repeat(63)}") must have a sha256 digest of 64 lowercase hex digits (it has 63)` },
  { when: 'the message dumper image has a space', rule: 'image-reference',
    build: c => new MessageDumper(c, 'dumper', { image: 'gcr.io/knative-releases/event display:1.0' }),
    line: 'test/dumper: error [image-reference] spec.template.spec.containers[0].image ("gcr.io/knative-releases/event display:1.0") must not contain spaces' },
  { when: 'runtimeVersion is not a tag (a slash in it)', rule: 'image-reference',
    build: c => model(c, { predictor: { runtimeVersion: '24.08/py3' } }),
    line: 'test/predictor: error [image-reference] spec.predictor.model.runtimeVersion ("24.08/py3") must be an image tag: at most 128 letters, digits, \'_\', \'.\' and \'-\', not starting with \'.\' or \'-\': KServe makes it the Triton image\'s tag' },

  // Any JSON shape: a patch that does not apply is a finding of its construct, not a stack trace.
  { when: 'a JSON patch replaces a path the object does not have', rule: 'value-shape',
    build: c => model(c, { patch: [JsonPatch.replace('/spec/does/not/exist', 1)] }),
    line: 'test/isvc: error [value-shape] JSON patch ("TypeError: Cannot read properties of undefined (reading \'not\')") must apply to the object: a patch path that does not exist, or a wrong index; fix: patch a path the emitted object has (npm run synth without the patch, and look at dist/)' },

  // Found by the property-based test: a patch that sets a key to undefined is written as null.
  { when: 'a patch sets the InferenceService labels to undefined (written as labels: null)', rule: 'metadata-syntax',
    build: c => model(c, { patch: [JsonPatch.add('/metadata/labels', undefined)] }),
    line: 'test/isvc: error [metadata-syntax] metadata.labels (not set) must be an object of key to string value' },
  // Before: "(c.env ?? []).forEach is not a function" escaped the checks; now the schema says what is wrong.
  { when: 'a patch makes a container env an object', rule: 'schema',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/model/env', { LOG_LEVEL: 'debug' })] }),
    line: 'test/predictor: error [schema] spec.predictor.model.env ({"LOG_LEVEL":"debug"}) must be of type array (InferenceService schema of KServe 0.20.0)' },

  // ---- Objects of one identity in one folder (kubectl kustomize: "may not add resource with an already registered id")
  { when: 'two message dumpers of one name and namespace differ', rule: 'object-identity',
    build: c => { new MessageDumper(c, 'a'); new MessageDumper(c, 'b', { minScale: 2 }); },
    line: 'test/b: error [object-identity] object ("serving.knative.dev/v1 Service default/message-dumper") is also written by test/a, with other content (they differ at spec.template.metadata.annotations["autoscaling.knative.dev/min-scale"]): one output folder holds one object of an identity; fix: give one of them another name, or the same settings so that it is written once' },
  { when: 'two charts give one ServiceAccount name to different credentials', rule: 'object-identity',
    build: c => {
      const app = c.node.root as App;
      for (const [id, secret] of [['a', 'azure-team-a'], ['b', 'azure-team-b']]) {
        new InferenceServiceChart(app, id, { azureBlob: { account: 'acct', container: 'models', path: id, serviceAccountName: 'azure-blob', credentials: AzureCredentials.existingSecret(secret) } });
      }
    },
    line: 'b/credentials: error [object-identity] object ("v1 ServiceAccount default/azure-blob") is also written by a/credentials, with other content (they differ at secrets[0].name): one output folder holds one object of an identity; fix: give one of them another name, or the same settings so that it is written once' },

  // ---- Scaling and rollout
  { when: 'minReplicas exceeds maxReplicas', rule: 'replicas',
    build: c => model(c, { predictor: { minReplicas: 5, maxReplicas: 2 } }),
    line: 'test/predictor: error [replicas] spec.predictor.maxReplicas (2) must be 0 or at least minReplicas (5)' },
  { when: 'minReplicas is negative', rule: 'replicas',
    build: c => model(c, { transformer: { minReplicas: -1 } }),
    line: 'test/transformer: error [replicas] spec.transformer.minReplicas (-1) must be a whole number of at least 0' },
  { when: 'maxReplicas is fractional', rule: 'replicas',
    build: c => model(c, { predictor: { maxReplicas: 2.5 } }),
    line: 'test/predictor: error [replicas] spec.predictor.maxReplicas (2.5) must be a whole number of at least 0 (0 means no maximum)' },
  { when: 'the message dumper minScale is negative', rule: 'replicas',
    build: c => new MessageDumper(c, 'dumper', { minScale: -1 }),
    line: 'test/dumper: error [replicas] minScale (-1) must be a whole number of at least 0' },
  { when: 'containerConcurrency exceeds Knative\'s 1000', rule: 'container-concurrency',
    build: c => model(c, { predictor: { containerConcurrency: 5000 } }),
    line: 'test/predictor: error [container-concurrency] spec.predictor.containerConcurrency (5000) must be at most 1000 (Knative\'s container-concurrency-max-limit)' },
  { when: 'containerConcurrency is negative', rule: 'container-concurrency',
    build: c => model(c, { transformer: { containerConcurrency: -4 } }),
    line: 'test/transformer: error [container-concurrency] spec.transformer.containerConcurrency (-4) must be a whole number of at least 0 (0 means unlimited)' },
  { when: 'the timeout exceeds Knative\'s 600 s', rule: 'timeout',
    build: c => model(c, { predictor: { timeout: Duration.minutes(15) } }),
    line: 'test/predictor: error [timeout] spec.predictor.timeout (900) must be at most 600 seconds (Knative\'s max-revision-timeout-seconds); fix: raise max-revision-timeout-seconds in config-defaults first, or shorten the timeout' },
  { when: 'the timeout is fractional seconds', rule: 'timeout',
    build: c => model(c, { transformer: { timeout: Duration.millis(1500) } }),
    line: 'test/transformer: error [timeout] spec.transformer.timeout (1.5) must be whole seconds, at least 1' },
  { when: 'a CPU metric is used in Knative mode', rule: 'scale-metric',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/scaleMetric', 'cpu')] }),
    line: 'test/predictor: error [scale-metric] spec.predictor.scaleMetric ("cpu") must be concurrency or rps in Knative mode; fix: use concurrency or rps, or deploymentMode Standard for cpu/memory' },
  { when: 'scaleTarget is 0', rule: 'scale-target',
    build: c => model(c, { predictor: { knative: { metric: KnativeMetric.RPS, target: 0 } } }),
    line: 'test/predictor: error [scale-target] spec.predictor.scaleTarget (0) must be a whole number of at least 1' },
  { when: 'concurrency is used in Standard mode (kserve#3514)', rule: 'scale-metric-standard',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 3 }, patch: [JsonPatch.add('/spec/predictor/scaleMetric', 'concurrency')] }),
    line: 'test/predictor: error [scale-metric-standard] spec.predictor.scaleMetric ("concurrency") must be cpu or memory in Standard mode (the HPA scales on resource use); fix: use cpu or memory, or deploymentMode Knative for concurrency/rps' },
  { when: 'a CPU utilization target is 150 % in Standard mode', rule: 'scale-metric-standard',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 3, standard: { autoscaler: StandardAutoscaler.hpa({ targetUtilizationPercent: 150 }) } } }),
    line: 'test/predictor: error [scale-metric-standard] spec.predictor.scaleTarget (150) must be at most 100: it is a utilization percentage in Standard mode' },
  { when: 'a scale metric is set with the KEDA autoscaler class', rule: 'scale-metric-standard',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 3, standard: { autoscaler: StandardAutoscaler.keda({ metrics: [KedaMetric.cpu(70)] }) } }, patch: [JsonPatch.add('/spec/predictor/scaleMetric', 'cpu')] }),
    line: 'test/predictor: error [scale-metric-standard] spec.predictor.scaleMetric ("cpu") must not be set with the keda autoscaler class ("ScaleMetric is not supported for KEDA"); fix: describe the metrics in autoScaling.metrics' },
  { when: 'a typed autoscaler class and a hand-written one are both given', rule: 'annotations',
    build: c => model(c, { isvc: { ...standard, annotations: { 'serving.kserve.io/autoscalerClass': 'keda' } }, predictor: { maxReplicas: 2 } }),
    line: 'test/isvc: error [annotations] annotations["serving.kserve.io/autoscalerClass"] ("keda") must not be set: it is written from the components\' standard.autoscaler; fix: set standard.autoscaler on the components' },
  { when: 'a Knative annotation is written by hand and by its knative prop', rule: 'annotations',
    build: c => model(c, { predictor: { annotations: { 'autoscaling.knative.dev/window': '30s' }, knative: { window: Duration.seconds(90) } } }),
    line: 'test/predictor: error [annotations] annotations["autoscaling.knative.dev/window"] ("30s") must not be set beside the knative prop that writes it; fix: set it once, in knative' },
  { when: 'the predictor and transformer ask for different autoscaler classes', rule: 'autoscaler-class',
    build: c => model(c, {
      isvc: standard,
      predictor: { maxReplicas: 2, standard: { autoscaler: StandardAutoscaler.keda({ metrics: [KedaMetric.cpu(70)] }) } },
      transformer: { maxReplicas: 2, standard: { autoscaler: StandardAutoscaler.hpa() } },
    }),
    line: 'test/isvc: error [autoscaler-class] standard.autoscaler ("predictor: keda, transformer: hpa") must be the same class for every component: KServe reads it from one InferenceService annotation; fix: use one class; metrics may differ per component' },
  { when: 'the none autoscaler class is used on KServe 0.15', rule: 'autoscaler-class',
    build: c => model(c, { isvc: { ...standard, ...v(KServeVersion.V0_15) }, predictor: { standard: { autoscaler: StandardAutoscaler.none() } } }),
    line: 'test/isvc: error [autoscaler-class] metadata.annotations["serving.kserve.io/autoscalerClass"] ("none") must be one of hpa, external, keda on KServe 0.15' },
  { when: 'the Knative stable window is 3 s', rule: 'knative-autoscaling',
    build: c => model(c, { predictor: { knative: { window: Duration.seconds(3) } } }),
    line: 'test/predictor: error [knative-autoscaling] spec.predictor.annotations["autoscaling.knative.dev/window"] ("3s") must be a duration from 6s to 1h in whole seconds, such as 60s; fix: correct knative.window, which writes this annotation (or the annotation, if set by hand)' },
  { when: 'the scale-down delay has a fraction of a second', rule: 'knative-autoscaling',
    build: c => model(c, { transformer: { knative: { scaleDownDelay: Duration.millis(1500) } } }),
    line: 'test/transformer: error [knative-autoscaling] spec.transformer.annotations["autoscaling.knative.dev/scale-down-delay"] ("1.5s") must be a duration from 0s to 1h in whole seconds, such as 300s; fix: correct knative.scaleDownDelay, which writes this annotation (or the annotation, if set by hand)' },
  { when: 'the target utilization is 0 %', rule: 'knative-autoscaling',
    build: c => model(c, { predictor: { knative: { targetUtilizationPercent: 0 } } }),
    line: 'test/predictor: error [knative-autoscaling] spec.predictor.annotations["autoscaling.knative.dev/target-utilization-percentage"] ("0") must be a number from 1 to 100; fix: correct knative.targetUtilizationPercent, which writes this annotation (or the annotation, if set by hand)' },
  { when: 'the target burst capacity is -2', rule: 'knative-autoscaling',
    build: c => model(c, { predictor: { knative: { targetBurstCapacity: -2 } } }),
    line: 'test/predictor: error [knative-autoscaling] spec.predictor.annotations["autoscaling.knative.dev/target-burst-capacity"] ("-2") must be a number of at least 0, or -1 (always through the activator); fix: correct knative.targetBurstCapacity, which writes this annotation (or the annotation, if set by hand)' },
  { when: 'the progress deadline is 0', rule: 'knative-autoscaling',
    build: c => model(c, { predictor: { knative: { progressDeadline: Duration.seconds(0) } } }),
    line: 'test/predictor: error [knative-autoscaling] spec.predictor.annotations["serving.knative.dev/progress-deadline"] ("0s") must be a positive duration in whole seconds, such as 1200s; fix: correct knative.progressDeadline, which writes this annotation (or the annotation, if set by hand)' },
  { when: 'a hand-written initial-scale on the InferenceService is not a number', rule: 'knative-autoscaling',
    build: c => model(c, { isvc: { annotations: { 'autoscaling.knative.dev/initial-scale': 'two' } } }),
    line: 'test/isvc: error [knative-autoscaling] metadata.annotations["autoscaling.knative.dev/initial-scale"] ("two") must be a whole number of at least 0' },
  { when: 'a KEDA CPU target is 0 %', rule: 'autoscaling-metrics',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 2, standard: { autoscaler: StandardAutoscaler.keda({ metrics: [KedaMetric.cpu(0)] }) } } }),
    line: 'test/predictor: error [autoscaling-metrics] spec.predictor.autoScaling.metrics[0].resource.target.averageUtilization (0) must be a whole number from 1 to 100' },
  { when: 'a KEDA memory target is below 1Mi', rule: 'autoscaling-metrics',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 2, standard: { autoscaler: StandardAutoscaler.keda({ metrics: [KedaMetric.memory(Size.kibibytes(512))] }) } } }),
    line: 'test/predictor: error [autoscaling-metrics] spec.predictor.autoScaling.metrics[0].resource.target.averageValue ("512Ki") must be a quantity of at least 1Mi' },
  { when: 'a KEDA Prometheus metric has an empty query', rule: 'autoscaling-metrics',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 2, standard: { autoscaler: StandardAutoscaler.keda({ metrics: [KedaMetric.prometheus({ serverAddress: 'http://prometheus.monitoring:9090', query: ' ', threshold: 5 })] }) } } }),
    line: 'test/predictor: error [autoscaling-metrics] spec.predictor.autoScaling.metrics[0].external.metric.query (" ") must be a non-empty query' },
  { when: 'the HPA class gets an external metric', rule: 'autoscaling-metrics',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 2 }, patch: [JsonPatch.add('/spec/predictor/autoScaling', { metrics: [{ type: 'External', external: { metric: { backend: 'prometheus', query: 'q' }, target: { type: 'Value', value: '1' } } }] })] }),
    line: 'test/predictor: error [autoscaling-metrics] spec.predictor.autoScaling.metrics[0].type ("External") must be Resource with the hpa class: the HPA scales on cpu or memory only; fix: use StandardAutoscaler.keda for external metrics' },
  { when: 'autoScaling is used on KServe 0.14', rule: 'autoscaling-metrics',
    build: c => model(c, { isvc: { ...standard, ...v(KServeVersion.V0_14) }, predictor: { maxReplicas: 2, standard: { autoscaler: StandardAutoscaler.keda({ metrics: [KedaMetric.cpu(70)] }) } } }),
    line: 'test/predictor: error [autoscaling-metrics] spec.predictor.autoScaling ("Resource") needs KServe 0.15 or newer (target is 0.14)' },
  { when: 'a deployment strategy is used on KServe 0.12', rule: 'deployment-strategy',
    build: c => model(c, { isvc: { ...standard, ...v(KServeVersion.V0_12) }, predictor: { maxReplicas: 2, standard: { deploymentStrategy: DeploymentStrategy.recreate() } } }),
    line: 'test/predictor: error [deployment-strategy] spec.predictor.deploymentStrategy ({"type":"Recreate"}) needs KServe 0.13 or newer (target is 0.12)' },
  { when: 'a Standard-mode canary name makes the pod label too long', rule: 'name-length-standard',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 2 }, rollout: { stage: RolloutStage.canary(10), candidate: { name: 'candidate-with-a-very-long-descriptive-version-name' } } }),
    line: 'test/isvc: error [name-length-standard] name, predictor name ("m, candidate-with-a-very-long-descriptive-version-name") must be at most 47 characters together (they have 52): the pod label "isvc.m-candidate-with-a-very-long-descriptive-version-name-predictor" must fit 63 characters' },
  { when: 'a Standard-mode canary targets KServe 0.11', rule: 'canary',
    build: c => model(c, { isvc: { ...standard, ...v(KServeVersion.V0_11) }, predictor: { maxReplicas: 2 }, rollout: { stage: RolloutStage.canary(10), candidate: { name: 'v2' } } }),
    line: 'test/isvc: error [canary] rollout.stage ("canary 10 %") needs spec.canary[], which KServe 0.11 does not have in Standard mode (0.20+); fix: use deploymentMode Knative (revision traffic split), target KServe 0.20, or promote without a canary' },
  { when: 'a Standard-mode candidate has no name', rule: 'canary',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 2 }, rollout: { stage: RolloutStage.canary(10) } }),
    line: 'test/candidate: error [canary] spec.canary[0].predictor.name (not set) must be set: a canary is a named predictor (<isvc>-<name>-predictor); fix: give the candidate TritonPredictor a name, such as v2' },
  { when: 'the candidate has the stable predictor\'s name', rule: 'canary',
    build: c => model(c, { isvc: standard, predictor: { name: 'v1', maxReplicas: 2 }, rollout: { stage: RolloutStage.canary(10), candidate: { name: 'v1' } } }),
    line: 'test/candidate: error [canary] spec.canary[0].predictor.name ("v1") must differ from the stable predictor\'s and every other canary\'s name' },
  { when: 'a canary stage sends 120 %', rule: 'canary',
    build: c => model(c, { rollout: { stage: RolloutStage.canary(120) } }),
    line: 'test/isvc: error [canary] rollout.stage ("canary 120 %") must send a whole percentage from 0 to 100 to the candidate' },
  { when: 'the candidate has more minReplicas than the stable predictor', rule: 'canary',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 2 }, rollout: { stage: RolloutStage.canary(10), candidate: { name: 'v2', minReplicas: 3 } } }),
    line: 'test/candidate: error [canary] spec.canary[0].predictor.minReplicas (3) must be at most the stable predictor\'s minReplicas (1, the default)' },
  { when: 'a patch gives a canary its own maxReplicas', rule: 'canary',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 2 }, rollout: { stage: RolloutStage.canary(10), candidate: { name: 'v2' } }, patch: [JsonPatch.add('/spec/canary/0/predictor/maxReplicas', 4)] }),
    line: 'test/candidate: error [canary] spec.canary[0].predictor.maxReplicas (4) must not be set on a canary: it scales with the stable predictor\'s settings' },
  { when: 'canaries get more than 100 % together', rule: 'canary',
    build: c => model(c, {
      isvc: standard, predictor: { maxReplicas: 2 }, rollout: { stage: RolloutStage.canary(60), candidate: { name: 'v2' } },
      patch: [JsonPatch.add('/spec/canary/-', { trafficPercent: 50, predictor: { name: 'v3', model: { name: 'kserve-container', modelFormat: { name: 'triton' }, protocolVersion: 'v2', storageUri: 'pvc://models/triton-v3' } } })],
    }),
    line: 'test/isvc: error [canary] spec.canary[].trafficPercent (110) must add up to at most 100' },
  { when: 'a patch adds spec.canary in Knative mode', rule: 'canary',
    build: c => model(c, { patch: [JsonPatch.add('/spec/canary', [{ trafficPercent: 10, predictor: { name: 'v2', model: { name: 'kserve-container', modelFormat: { name: 'triton' }, protocolVersion: 'v2', storageUri: 'pvc://models/triton-v2' } } }])] }),
    line: 'test/isvc: error [canary] spec.canary (1) is only supported in Standard mode; Knative mode splits traffic between revisions; fix: roll out with RolloutStage, which writes canaryTrafficPercent in Knative mode' },
  { when: 'the candidate serves another protocol than the stable predictor', rule: 'canary',
    build: c => model(c, { rollout: { stage: RolloutStage.canary(10), candidate: { protocol: TritonProtocol.GRPC_V2 } } }),
    line: 'test/candidate: error [canary] rollout.candidate protocol ("grpc-v2") must be the stable predictor\'s (v2): the transformer and clients talk to both versions the same way' },
  { when: 'the rollout candidate is the stable predictor itself', rule: 'canary',
    build: c => {
      const predictor = new TritonPredictor(c, 'predictor', { storage: PVC });
      new InferenceService(c, 'isvc', { name: 'm', predictor, rollout: { candidate: predictor, stage: RolloutStage.canary(10) } });
    },
    line: 'test/isvc: error [canary] rollout.candidate ("test/predictor") must be a different predictor from predictor: the new model version' },
  { when: 'a chart rollout names no model location for the candidate', rule: 'canary',
    build: c => new InferenceServiceChart(c, 'model', { modelUri: 'pvc://models/v1', rollout: { candidate: { name: 'v2' }, stage: RolloutStage.canary(10) } }),
    line: 'test/model: error [canary] rollout.candidate path, modelUri ("neither") must be exactly modelUri: where the new model version is' },
  { when: 'canaryTrafficPercent is 120', rule: 'canary-traffic',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/canaryTrafficPercent', 120)] }),
    line: 'test/predictor: error [canary-traffic] spec.predictor.canaryTrafficPercent (120) must be a whole number from 0 to 100' },
  { when: 'canaryTrafficPercent is used in Standard mode', rule: 'canary-traffic',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 3 }, patch: [JsonPatch.add('/spec/predictor/canaryTrafficPercent', 10)] }),
    line: 'test/predictor: error [canary-traffic] spec.predictor.canaryTrafficPercent (10) is ignored in Standard mode: there are no revisions to split traffic between; fix: roll out with RolloutStage, which writes spec.canary[]' },

  // ---- Logger
  { when: 'a patch removes the logger mode', rule: 'logger',
    build: c => model(c, { predictor: { logger: { sink: LoggerSink.fromUrl('http://dumper.default.svc.cluster.local') } }, patch: [JsonPatch.remove('/spec/predictor/logger/mode')] }),
    line: 'test/predictor: error [logger] spec.predictor.logger.mode (not set) must be all, request or response: KServe rejects a logger without a mode' },
  { when: 'the logger URL has no scheme', rule: 'logger',
    build: c => model(c, { transformer: { logger: { sink: LoggerSink.fromUrl('message-dumper.default'), mode: LoggerMode.REQUEST } } }),
    line: 'test/transformer: error [logger] spec.transformer.logger.url ("message-dumper.default") must be an http(s) URL or an s3://, gs:// or abfs:// blob sink' },
  { when: 'a blob logger sink has no storage block', rule: 'logger',
    build: c => model(c, { predictor: { logger: { sink: LoggerSink.fromUrl('s3://logs/isvc') } } }),
    line: 'test/predictor: error [logger] spec.predictor.logger.storage (not set) must be set for a blob-storage logger URL' },

  // ---- Storage and credentials
  { when: 'oci:// is used on KServe 0.11', rule: 'storage-uri',
    build: c => model(c, { isvc: v(KServeVersion.V0_11), predictor: { storage: ModelStorage.fromUri('oci://registry.example.com/models/m:1') } }),
    line: 'test/predictor: error [storage-uri] spec.predictor.model.storageUri ("oci://registry.example.com/models/m:1") must start with one of gs:// s3:// pvc:// file:// https:// http:// hdfs:// webhdfs:// on KServe 0.11' },
  { when: 'an abfs:// URI is given for Azure Blob', rule: 'storage-uri',
    build: c => model(c, { predictor: { storage: ModelStorage.fromUri('abfss://models@acct.dfs.core.windows.net/triton') } }),
    line: 'test/predictor: error [storage-uri] spec.predictor.model.storageUri ("abfss://models@acct.dfs.core.windows.net/triton") must use the https form for Azure Blob: the storage initializer does not understand this scheme; fix: use https://acct.blob.core.windows.net/models/triton/' },
  { when: 'an Azure Blob URI has no folder after the container', rule: 'storage-uri',
    build: c => model(c, { predictor: { storage: ModelStorage.fromUri('https://acct.blob.core.windows.net/models/') } }),
    line: 'test/predictor: error [storage-uri] spec.predictor.model.storageUri path ("") must name a folder inside the container: the storage initializer needs at least one path segment' },
  { when: 'the Azure account name has capitals', rule: 'storage-uri',
    build: c => model(c, { predictor: { storage: ModelStorage.azureBlob({ account: 'My-Account', container: 'models', path: 'triton', credentials: new AzureBlobCreds(c, 'creds') }) } }),
    line: 'test/predictor: error [storage-uri] storage.account ("My-Account") must be 3 to 24 lowercase letters and digits' },
  { when: 'the Azure path is empty', rule: 'storage-uri',
    build: c => model(c, { predictor: { storage: ModelStorage.azureBlob({ account: 'acct', container: 'models', path: '/', credentials: new AzureBlobCreds(c, 'creds') }) } }),
    line: 'test/predictor: error [storage-uri] storage.path ("/") must name a folder inside the container: KServe needs at least one path segment after the container' },
  { when: 'the transformer STORAGE_URI has an unknown scheme', rule: 'storage-uri',
    build: c => model(c, { transformer: { env: { STORAGE_URI: EnvValue.fromValue('ftp://files/vocab') } } }),
    line: 'test/transformer: error [storage-uri] spec.transformer.containers[0].env[0].value ("ftp://files/vocab") must start with one of gs:// s3:// pvc:// file:// https:// http:// hdfs:// webhdfs:// oci:// hf:// oci+native:// on KServe 0.20' },
  { when: 'environment variables for the Secret are missing', rule: 'credentials',
    build: c => new AzureBlobCreds(c, 'creds', { credentials: AzureCredentials.secretFromEnvironment({ environment: { AZURE_TENANT_ID: 't' } }) }),
    line: 'test/creds: error [credentials] credentials (environment) ("AZURE_CLIENT_ID, AZURE_CLIENT_SECRET") must be set to create the service-principal Secret for KServe 0.20, which needs AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET; fix: export AZURE_CLIENT_ID, AZURE_CLIENT_SECRET before synth, or use AzureCredentials.existingSecret()' },
  { when: 'the credentials are in another namespace', rule: 'credentials',
    build: c => model(c, { predictor: { storage: ModelStorage.azureBlob({ account: 'acct', container: 'models', path: 'triton', credentials: new AzureBlobCreds(c, 'creds', { namespace: 'other' }) }) } }),
    line: 'test/predictor: error [credentials] predictor storage credentials namespace ("other") must be the InferenceService\'s namespace ("default"): the ServiceAccount and Secret must be beside it' },
  { when: 'the credentials target another KServe version', rule: 'credentials',
    build: c => model(c, { isvc: v(KServeVersion.V0_15), predictor: { storage: ModelStorage.azureBlob({ account: 'acct', container: 'models', path: 'triton', credentials: new AzureBlobCreds(c, 'creds') }) } }),
    line: 'test/predictor: error [credentials] predictor storage credentials kserveVersion ("0.20") must be the InferenceService\'s (0.15): the Secret keys differ by version' },
  { when: 'serviceAccountName overrides the storage credentials', rule: 'credentials',
    build: c => model(c, { predictor: { serviceAccountName: 'other', storage: ModelStorage.azureBlob({ account: 'acct', container: 'models', path: 'triton', credentials: new AzureBlobCreds(c, 'creds') }) } }),
    line: 'test/predictor: error [credentials] serviceAccountName ("other") must be the storage credentials\' ServiceAccount ("kserve-azure-blob"): the storage initializer would run without the credentials; fix: leave serviceAccountName unset' },
  { when: 'the workload identity client id is empty', rule: 'credentials',
    build: c => new AzureBlobCreds(c, 'creds', { credentials: AzureCredentials.workloadIdentity({ clientId: '' }) }),
    line: 'test/creds: error [credentials] credentials.clientId ("") must be the client id of the managed identity for workload identity' },
  { when: 'an ExternalSecret names a vault entry Key Vault does not allow', rule: 'credentials',
    build: c => new AzureBlobCreds(c, 'creds', { credentials: AzureCredentials.externalSecret({ storeName: 'azure-kv', vaultSecrets: { AZURE_CLIENT_SECRET: 'azure_client_secret' } }) }),
    line: 'test/creds: error [credentials] credentials.vaultSecrets.AZURE_CLIENT_SECRET ("azure_client_secret") must be an Azure Key Vault secret name: 1 to 127 letters, digits and \'-\'' },
  { when: 'an ExternalSecret maps a key KServe does not read', rule: 'credentials',
    build: c => new AzureBlobCreds(c, 'creds', { credentials: AzureCredentials.externalSecret({ storeName: 'azure-kv', vaultSecrets: { AZURE_STORAGE_ACCESS_KEY: 'key' } }) }),
    line: 'test/creds: error [credentials] credentials.vaultSecrets ("AZURE_STORAGE_ACCESS_KEY") must only name keys the service-principal Secret for KServe 0.20 has: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET' },
  { when: 'an ExternalSecret store name is not a DNS subdomain', rule: 'object-name',
    build: c => new AzureBlobCreds(c, 'creds', { credentials: AzureCredentials.externalSecret({ storeName: 'Azure KV' }) }),
    line: 'test/creds: error [object-name] credentials.storeName ("Azure KV") must be a DNS subdomain: at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit' },
  { when: 'a SealedSecret value is plaintext, which is never echoed', rule: 'credentials',
    build: c => new AzureBlobCreds(c, 'creds', { credentials: AzureCredentials.sealedSecret({ encryptedData: sealed({ AZURE_CLIENT_SECRET: 'abc8Q~plain text secret' }) }) }),
    line: 'test/creds: error [credentials] credentials.encryptedData.AZURE_CLIENT_SECRET ("<23 characters, not shown>") must be kubeseal output (base64): this looks like a plaintext value, which must never be committed; fix: seal it: echo -n "$VALUE" | kubeseal --raw --namespace <ns> --name <secret> --from-file=/dev/stdin' },
  { when: 'a SealedSecret value is base64 but not kubeseal output', rule: 'credentials',
    build: c => new AzureBlobCreds(c, 'creds', { credentials: AzureCredentials.sealedSecret({ encryptedData: sealed({ AZURE_TENANT_ID: Buffer.from('tenant-id').toString('base64') }) }) }),
    line: 'test/creds: error [credentials] credentials.encryptedData.AZURE_TENANT_ID ("<12 characters, not shown>") must be kubeseal output: base64 of a 2-byte key length (256, 384 or 512), the sealed session key and the AES-GCM ciphertext; this is not; fix: seal it: echo -n "$VALUE" | kubeseal --raw --namespace <ns> --name <secret> --from-file=/dev/stdin' },
  { when: 'a SealedSecret lacks a key the version needs (0.11: the subscription id)', rule: 'credentials',
    build: c => new AzureBlobCreds(c, 'creds', { kserveVersion: KServeVersion.V0_11, credentials: AzureCredentials.sealedSecret({ encryptedData: sealed({}) }) }),
    line: 'test/creds: error [credentials] credentials.encryptedData ("AZURE_SUBSCRIPTION_ID") must be given: the service-principal Secret for KServe 0.11 needs AZURE_SUBSCRIPTION_ID, AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET' },
  { when: 'a NetworkPolicy admits a namespace that is not a DNS label', rule: 'object-name',
    build: c => new InferenceServiceNetworkPolicies(c, 'netpol', { inferenceService: model(c), allowFromNamespaces: ['Monitoring'] }),
    line: 'test/netpol: error [object-name] allowFromNamespaces ("Monitoring") must be a DNS label: at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit' },

  // ---- Transformer, binding, suppressions
  { when: 'transformer args set --predictor_host (kserve#2273)', rule: 'transformer-args',
    build: c => model(c, { transformer: { args: ['--predictor_host=m.default.example.com'] } }),
    line: 'test/transformer: error [transformer-args] args ("--predictor_host=m.default.example.com") must not set --predictor_host: KServe injects the in-cluster predictor host' },
  { when: 'predictor retries are used on KServe 0.14', rule: 'transformer-args',
    build: c => model(c, { isvc: v(KServeVersion.V0_14), transformer: { predictorRequestRetries: 2 } }),
    line: 'test/transformer: error [transformer-args] predictorRequestRetries (2) needs KServe 0.15 or newer (target is 0.14)' },
  { when: 'a predictor request timeout is used on KServe 0.11', rule: 'transformer-args',
    build: c => model(c, { isvc: v(KServeVersion.V0_11), transformer: { predictorRequestTimeout: Duration.seconds(30) } }),
    line: 'test/transformer: error [transformer-args] predictorRequestTimeout ("30s") needs KServe 0.12 or newer (target is 0.11)' },
  { when: 'a transformer is never given to an InferenceService', rule: 'component-binding',
    build: c => new PythonTransformer(c, 'transformer', { image: IMAGE }),
    line: 'test/transformer: error [component-binding] props ("PythonTransformer") must be passed to an InferenceService as its transformer: it emits nothing on its own' },
  { when: 'a chart gives no model location', rule: 'component-binding',
    build: c => new InferenceServiceChart(c.node.root as App, 'other', {}),
    line: 'other: error [component-binding] azureBlob, modelUri ("neither") must be exactly one: where the Triton model repository is' },
  { when: 'a suppression names an unknown rule', rule: 'suppression',
    build: c => Validation.suppress(c, 'image-pined', 'typo'),
    line: `test: error [suppression] ruleId ("image-pined") must be one of the rule ids: ${ALL_RULES.filter(r => r.suppressible).map(r => r.id).join(', ')}` },
  { when: 'a suppression targets an error the cluster would reject', rule: 'suppression',
    build: c => Validation.suppress(c, 'replicas', 'we know better'),
    line: 'test: error [suppression] ruleId ("replicas") is an error the cluster would reject and cannot be suppressed; fix the input instead' },
  { when: 'a suppression gives no reason', rule: 'suppression',
    build: c => Validation.suppress(c, 'image-pinned', ' '),
    line: 'test: error [suppression] reason (" ") must say why the finding is safe to ignore here' },
  // ---- Model signatures and example requests
  { when: 'a signature has a dimension below -1', rule: 'model-signature',
    build: c => model(c, { predictor: { signature: { inputs: [{ name: 'INPUT__0', datatype: V2Datatype.FP32, shape: [-2, 4] }] } } }),
    line: 'test/predictor: error [model-signature] signature.inputs[0].shape ([-2,4]) must be a list of whole numbers, each at least 0 or -1 for a variable dimension' },
  { when: 'a signature lists no inputs', rule: 'model-signature',
    build: c => model(c, { predictor: { signature: { inputs: [] } } }),
    line: 'test/predictor: error [model-signature] signature.inputs ([]) must list at least one input tensor' },
  { when: 'two inputs of a signature have the same name', rule: 'model-signature',
    build: c => model(c, { predictor: { signature: { inputs: [{ name: 'x', datatype: V2Datatype.FP32, shape: [1] }, { name: 'x', datatype: V2Datatype.INT64, shape: [1] }] } } }),
    line: 'test/predictor: error [model-signature] signature.inputs[1].name ("x") must be unique among the inputs' },
  { when: 'the example data has fewer values than the shape holds', rule: 'model-signature',
    build: c => model(c, { transformer: { signature: { inputs: [{ name: 'text', datatype: V2Datatype.BYTES, shape: [2], exampleData: ['hello'] }] } } }),
    line: 'test/transformer: error [model-signature] signature.inputs[0].exampleData ("1 values") must have 2 values, the product of the example shape [2]' },
  { when: 'an example value does not fit the datatype', rule: 'model-signature',
    build: c => model(c, { predictor: { signature: { inputs: [{ name: 'pixels', datatype: V2Datatype.UINT8, shape: [1, 2], exampleData: [0, 300] }] } } }),
    line: 'test/predictor: error [model-signature] signature.inputs[0].exampleData[1] (300) must be a whole number from 0 to 255 (UINT8)' },
  { when: 'the example shape changes a fixed dimension', rule: 'model-signature',
    build: c => model(c, { predictor: { signature: { inputs: [{ name: 'x', datatype: V2Datatype.FP32, shape: [-1, 4], exampleShape: [2, 3] }] } } }),
    line: 'test/predictor: error [model-signature] signature.inputs[0].exampleShape ([2,3]) must have the dimensions of shape [-1,4], with a size of at least 0 for each -1' },
  { when: 'a datatype is not a v2 datatype', rule: 'props',
    build: c => model(c, { predictor: { signature: { inputs: [{ name: 'x', datatype: 'FLOAT32' as V2Datatype, shape: [1] }] } } }),
    line: 'test/predictor: error [props] signature.inputs[0].datatype ("FLOAT32") must be one of "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BF16", "BYTES"' },

  // ---- GitOps objects
  { when: 'an Argo CD Application points outside the repository with a bare host name', rule: 'gitops',
    build: c => new ArgoCdApplication(c, 'app', { source: { repoUrl: 'github.com/acme/deploy', path: '../secrets' } }),
    line: 'test/app: error [gitops] source.repoUrl ("github.com/acme/deploy") must be a repository URL (https://, ssh:// or git@host:path)' },
  { when: 'an Argo CD Application syncs a path with ..', rule: 'gitops',
    build: c => new ArgoCdApplication(c, 'app', { source: { repoUrl: 'https://github.com/acme/deploy.git', path: 'dist/../secrets' } }),
    line: 'test/app: error [gitops] path ("dist/../secrets") must be a folder relative to the repository root, without "..", such as dist/prod' },
  { when: 'a Flux Kustomization depends on itself', rule: 'gitops',
    build: c => {
      const repo = new FluxGitRepository(c, 'repo', { url: 'https://github.com/acme/deploy.git' });
      new FluxKustomization(c, 'prod', { source: repo, path: 'dist/prod', dependsOn: [{ name: 'prod' }] });
    },
    line: 'test/prod: error [gitops] dependsOn[0] ("prod") must not be the Kustomization itself' },
  { when: 'a Flux GitRepository has no URL scheme', rule: 'gitops',
    build: c => new FluxGitRepository(c, 'repo', { url: 'github.com/acme/deploy' }),
    line: 'test/repo: error [gitops] url ("github.com/acme/deploy") must be an http(s):// or ssh:// repository URL' },
  { when: 'another construct\'s validation fails', rule: 'construct',
    build: c => c.node.addValidation({ validate: () => ['the team label is missing'] }),
    line: 'test: error [construct] validation ("Chart") the team label is missing' },
];

const WARNINGS: Case[] = [
  // kserve v0.14.1 config/runtimes/kserve-tritonserver.yaml:48 sets privileged: false; knative-v1.10.1 fieldmask.go:691 drops it (until 1.17).
  { when: 'the stock Triton runtime of KServe 0.14 runs in Knative mode on the Knative 0.14 installs (1.13)', rule: 'triton-runtime-privileged',
    build: c => model(c, { isvc: v(KServeVersion.V0_14) }),
    line: 'test/predictor: warning [triton-runtime-privileged] spec.predictor.model.runtime ("kserve-tritonserver (chosen by KServe)") sets securityContext.privileged: false on KServe 0.14, which KServe merges into the container and Knative 1.13 rejects ("must not set the field(s): privileged"); fix: run Knative Serving 1.17 or newer (knative/serving#15643) and set knativeVersion, or name a ServingRuntime of your own without privileged in runtime' },
  { when: 'the stock Triton runtime of KServe 0.20 is named on a cluster that runs Knative 1.16', rule: 'triton-runtime-privileged',
    build: c => model(c, { isvc: { knativeVersion: KnativeVersion.of('1.16.2') }, predictor: { runtime: 'kserve-tritonserver' } }),
    line: 'test/predictor: warning [triton-runtime-privileged] spec.predictor.model.runtime ("kserve-tritonserver") sets securityContext.privileged: false on KServe 0.20, which KServe merges into the container and Knative 1.16 rejects ("must not set the field(s): privileged"); fix: run Knative Serving 1.17 or newer (knative/serving#15643) and set knativeVersion, or name a ServingRuntime of your own without privileged in runtime' },
  // kserve v0.20.0 pkg/controller/v1beta1/inferenceservice/components/predictor.go:795-803, :886-895.
  { when: 'a Standard-mode canary is written on KServe 0.20', rule: 'canary-dark-launch',
    build: c => model(c, { isvc: standard, predictor: { maxReplicas: 4 }, rollout: { stage: RolloutStage.canary(20), candidate: { name: 'v2' } } }),
    line: 'test/candidate: warning [canary-dark-launch] rollout.stage ("canary 20 %") is a dark launch on KServe 0.20 in Standard mode: trafficPercent only sizes the canary, the Ingress and the transformer send every request to the stable predictor, and the canary (1 pod) answers only in-cluster at http://m-v2-predictor.default.svc.cluster.local; fix: send it test traffic in-cluster (ENDPOINTS.md), or use Knative mode for a weighted split; then Validation.suppress(scope, \'canary-dark-launch\', reason)' },
  // kserve v0.20.0 pkg/logger/handler.go:133-137 compares the entries with Go's canonical header names.
  { when: 'a patch writes a metadata header in lowercase', rule: 'logger-metadata-headers',
    build: c => model(c, { predictor: { logger: { sink: new MessageDumper(c, 'dumper') } }, patch: [JsonPatch.replace('/spec/predictor/logger/metadataHeaders', ['x-request-id'])] }),
    line: 'test/predictor: warning [logger-metadata-headers] spec.predictor.logger.metadataHeaders[0] ("x-request-id") is never matched: KServe\'s logger compares it with header names in Go\'s canonical form (kserve v0.20.0 pkg/logger/handler.go:133-137); fix: write "X-Request-Id"' },
  { when: 'a signature input is FP16', rule: 'signature-json-datatype',
    build: c => model(c, { predictor: { signature: { inputs: [{ name: 'x', datatype: V2Datatype.FP16, shape: [1, 8] }] } } }),
    line: 'test/predictor: warning [signature-json-datatype] signature.inputs[0].datatype ("FP16") has no portable JSON form: the example request sends JSON numbers; fix: declare the input FP32 in config.pbtxt for JSON clients, or suppress when the server accepts it' },
  { when: 'a Knative annotation uses a camelCase alias', rule: 'knative-annotation-alias',
    build: c => model(c, { predictor: { annotations: { 'autoscaling.knative.dev/initialScale': '0' } } }),
    line: 'test/predictor: warning [knative-annotation-alias] spec.predictor.annotations["autoscaling.knative.dev/initialScale"] ("0") is a deprecated alias that Knative ignores once the kebab-case key is set; fix: use autoscaling.knative.dev/initial-scale' },
  { when: 'a GPU node selector is set in Knative mode (kserve#1425)', rule: 'knative-feature-flag',
    build: c => model(c, { predictor: { nodeSelector: { pool: 'gpu' } } }),
    line: 'test/predictor: warning [knative-feature-flag] spec.predictor.nodeSelector ({"pool":"gpu"}) is rejected by Knative unless kubernetes.podspec-nodeselector is enabled; fix: set kubernetes.podspec-nodeselector: enabled in the config-features ConfigMap of knative-serving' },
  { when: 'a patch adds tolerations', rule: 'knative-feature-flag',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/tolerations', [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }])] }),
    line: 'test/predictor: warning [knative-feature-flag] spec.predictor.tolerations ([{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]) is rejected by Knative unless kubernetes.podspec-tolerations is enabled; fix: set kubernetes.podspec-tolerations: enabled in the config-features ConfigMap of knative-serving' },
  { when: 'a patch mounts a PersistentVolumeClaim', rule: 'knative-feature-flag',
    build: c => model(c, { patch: [JsonPatch.add('/spec/predictor/volumes', [{ name: 'cache', persistentVolumeClaim: { claimName: 'cache' } }])] }),
    line: 'test/predictor: warning [knative-feature-flag] spec.predictor.volumes[0] ("cache") is rejected by Knative unless kubernetes.podspec-persistent-volume-claim is enabled; fix: set kubernetes.podspec-persistent-volume-claim: enabled in the config-features ConfigMap of knative-serving' },
  { when: 'env comes from a fieldRef', rule: 'knative-feature-flag',
    build: c => model(c, { transformer: true, patch: [JsonPatch.add('/spec/transformer/containers/0/env', [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }])] }),
    line: 'test/transformer: warning [knative-feature-flag] spec.transformer.containers[0].env[0].valueFrom.fieldRef ("spec.nodeName") is rejected by Knative unless kubernetes.podspec-fieldref is enabled; fix: set kubernetes.podspec-fieldref: enabled in the config-features ConfigMap of knative-serving' },
  { when: 'the Triton runtime image comes from nvcr.io', rule: 'ngc-tag-resolution',
    build: c => model(c, { predictor: { runtimeVersion: '24.08-py3' } }),
    line: 'test/predictor: warning [ngc-tag-resolution] spec.predictor.model (runtime kserve-tritonserver) ("nvcr.io/nvidia/tritonserver:24.08-py3") is on nvcr.io, whose tags Knative cannot resolve to digests; fix: add nvcr.io to registries-skipping-tag-resolving in Knative\'s config-deployment (KServe 0.20\'s installer does), then Validation.suppress(scope, \'ngc-tag-resolution\', reason)' },
  { when: 'the transformer image is on nvcr.io', rule: 'ngc-tag-resolution',
    build: c => model(c, { predictor: { runtime: 'my-triton' }, transformer: { image: 'nvcr.io/nvidia/pytorch:24.08-py3' } }),
    line: 'test/transformer: warning [ngc-tag-resolution] spec.transformer.containers[0].image ("nvcr.io/nvidia/pytorch:24.08-py3") is on nvcr.io, whose tags Knative cannot resolve to digests; fix: add nvcr.io to registries-skipping-tag-resolving in Knative\'s config-deployment (KServe 0.20\'s installer does)' },
  { when: 'minReplicas is 0 in Standard mode', rule: 'standard-scale-to-zero',
    build: c => model(c, { isvc: standard, predictor: { minReplicas: 0, maxReplicas: 2 } }),
    line: 'test/predictor: warning [standard-scale-to-zero] spec.predictor.minReplicas (0) behaves as 1: Standard mode cannot scale to zero' },
  { when: 'maxReplicas is unset in Standard mode', rule: 'standard-fixed-replicas',
    build: c => model(c, { isvc: standard }),
    line: 'test/predictor: warning [standard-fixed-replicas] spec.predictor.maxReplicas (not set) leaves the HPA with max = min: a fixed replica count; fix: set maxReplicas above minReplicas to autoscale' },
  { when: 'a gRPC predictor has a logger', rule: 'logger-grpc',
    build: c => model(c, { predictor: { protocol: TritonProtocol.GRPC_V2, logger: { sink: LoggerSink.fromUrl('http://dumper.default.svc.cluster.local') } } }),
    line: 'test/predictor: warning [logger-grpc] spec.predictor.logger ("all") logs nothing: the predictor serves gRPC and the logger agent only proxies HTTP; fix: log at the transformer, or serve TritonProtocol.V2' },
  { when: 'a SAS token is inside the model URI', rule: 'azure-sas-token',
    build: c => model(c, { predictor: { storage: ModelStorage.fromUri('https://acct.blob.core.windows.net/models/triton?sv=2022-11-02&sig=abc') } }),
    line: 'test/predictor: warning [azure-sas-token] spec.predictor.model.storageUri ("https://acct.blob.core.windows.net/models/triton?<SAS token>") carries a SAS token: it ends up in Git and in kubectl output; fix: put the token in the storage Secret as AZURE_STORAGE_ACCESS_KEY (AzureBlobCreds) and drop it from the URI' },
  { when: 'one model folder is a name prefix of another', rule: 'azure-prefix-overlap',
    build: c => {
      const creds = new AzureBlobCreds(c, 'creds');
      const storage = (p: string) => ModelStorage.azureBlob({ account: 'acct', container: 'models', path: p, credentials: creds });
      new InferenceService(c, 'iris', { predictor: new TritonPredictor(c, 'predictor', { storage: storage('triton/iris') }) });
      new InferenceService(c, 'iris-v2', { predictor: new TritonPredictor(c, 'predictor-v2', { storage: storage('triton/iris-v2') }) });
    },
    line: 'test/predictor: warning [azure-prefix-overlap] storage path ("triton/iris") also matches triton/iris-v2 (the model of test/predictor-v2): KServe downloads every blob whose name starts with the path; fix: give the model folders names that are not prefixes of each other (models/iris-v1 and models/iris-v2)' },
  { when: 'a new revision starts with zero pods', rule: 'knative-feature-flag',
    build: c => model(c, { predictor: { knative: { initialScale: 0 } } }),
    line: 'test/predictor: warning [knative-feature-flag] spec.predictor.annotations["autoscaling.knative.dev/initial-scale"] ("0") is rejected by Knative unless allow-zero-initial-scale is true; fix: set allow-zero-initial-scale: "true" in the config-autoscaler ConfigMap of knative-serving' },
  { when: 'credentials are written in clear text (the opt-in; not fatal even in strict mode)', rule: 'plaintext-secret',
    build: c => new AzureBlobCreds(c, 'creds', { credentials: AzureCredentials.secretFromEnvironment({ environment: CANARY_ENVIRONMENT }) }),
    line: 'test/creds: warning [plaintext-secret] credentials ("AzureCredentials.secretFromEnvironment()") writes the values of AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET to the output in clear text: everyone who can read the repository can read them; fix: use AzureCredentials.externalSecret(), sealedSecret() or existingSecret() for anything committed' },
  { when: 'the InferenceService is in the kserve namespace (kserve#2137)', rule: 'control-plane-namespace',
    build: c => model(c, { isvc: { namespace: 'kserve' } }),
    line: 'test/isvc: warning [control-plane-namespace] metadata.namespace ("kserve") is labeled control-plane by KServe\'s install: its pods get no storage initializer and no logger agent; fix: use a namespace of your own' },
];

// ---- Harness ------------------------------------------------------------------------

function buildWith(build: (chart: Chart) => void) {
  return (props: object) => {
    const app = new App(props);
    build(new Chart(app, 'test'));
    return app;
  };
}

/** A dist/ folder with one file in it, as a previous synth would have left it. */
function previousOutput(): { parent: string; out: string; before: Record<string, string> } {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-rules-'));
  const out = path.join(parent, 'dist');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'previous.k8s.yaml'), 'kind: Previous\n');
  return { parent, out, before: { 'previous.k8s.yaml': 'kind: Previous\n' } };
}

function files(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

function synthError(build: (chart: Chart) => void, strict = false): { error: SynthError; unchanged: boolean } {
  const { parent, out, before } = previousOutput();
  let error: unknown;
  try {
    synthToDirectory(buildWith(build), out, { strict });
  } catch (e) {
    error = e;
  }
  if (!(error instanceof SynthError)) throw new Error(`expected a SynthError, got ${String(error)}`);
  const unchanged = JSON.stringify(files(out)) === JSON.stringify(before) && fs.readdirSync(parent).join() === 'dist';
  fs.rmSync(parent, { recursive: true, force: true });
  return { error, unchanged };
}

describe('errors: synth fails with the message and writes nothing', () => {
  test.each(ERRORS.map(c => [c.when, c] as const))('fails when %s', (_, c) => {
    const { error, unchanged } = synthError(c.build);
    expect(error.problems).toContain(c.line);
    expect(c.line).toContain(`error [${c.rule}]`);
    expect(unchanged).toBe(true);
  });

  test('one cause, one line: a field that a rule reports for the version is not reported again by the schema check', () => {
    // storageUris is new in the 0.16 CRD; the storage-uris rule says so, the 0.15.2 schema would too.
    const { error } = synthError(c => model(c, { isvc: v(KServeVersion.V0_15), patch: [JsonPatch.add('/spec/predictor/storageUris', [{ uri: 'pvc://models/extra', mountPath: '/mnt/extra' }])] }));
    expect(error.problems).toEqual([
      'test/predictor: error [storage-uris] spec.predictor.storageUris (1) needs KServe 0.16 or newer (target is 0.15)',
      'test/predictor: error [storage-uris] spec.predictor.storageUris (1) must not be combined with a single storage URI',
    ]);
  });

  test('one cause, one line: an invalid model name is not reported again by the objects named after it', () => {
    const { error } = synthError(c => new InferenceServiceChart(c.node.root as App, 'chart', { name: 'MyModel', azureBlob: { account: 'acct', container: 'models', path: 'p' }, transformer: { image: IMAGE } }));
    expect(error.problems).toEqual(['chart/inference-service: error [name] name ("MyModel") must be lowercase letters, digits and \'-\', start with a letter and end with a letter or digit (KServe\'s webhook rejects anything else)']);
  });

  test('one cause, one line: a named Standard-mode candidate before 0.20 is told only that the version has no canary', () => {
    const { error } = synthError(c => model(c, { isvc: { ...standard, ...v(KServeVersion.V0_19) }, predictor: { maxReplicas: 2 }, rollout: { stage: RolloutStage.canary(10), candidate: { name: 'v2' } } }));
    expect(error.problems).toEqual([
      'test/isvc: error [canary] rollout.stage ("canary 10 %") needs spec.canary[], which KServe 0.19 does not have in Standard mode (0.20+); fix: use deploymentMode Knative (revision traffic split), target KServe 0.20, or promote without a canary',
    ]);
  });

  test('all problems of a run are reported together', () => {
    const { error } = synthError(chart => model(chart, {
      isvc: { name: 'Bad_Name' },
      predictor: { minReplicas: 3, maxReplicas: 1, containerConcurrency: -1 },
      transformer: { image: 'untagged', args: ['--http_port=9000'] },
    }));
    expect(error.problems.map(p => /\[([a-z-]+)\]/.exec(p)![1])).toEqual(
      ['replicas', 'container-concurrency', 'transformer-args', 'image-pinned', 'name']);
  });
});

describe('warnings: printed, not fatal, fatal in strict mode', () => {
  test.each(WARNINGS.map(c => [c.when, c] as const))('warns when %s', (_, c) => {
    const { parent, out } = previousOutput();
    const result = synthToDirectory(buildWith(c.build), out);
    expect(result.warnings.map(formatFinding)).toContain(c.line);
    expect(fs.readdirSync(out).some(f => f.endsWith('.k8s.yaml') && f !== 'previous.k8s.yaml')).toBe(true);
    fs.rmSync(parent, { recursive: true, force: true });

    if (ALL_RULES.find(r => r.id === c.rule)!.failsStrict) {
      const strict = synthError(c.build, true);
      expect(strict.error.problems).toContain(c.line);
      expect(strict.unchanged).toBe(true);
    } else {
      // Exempt from strict mode: still printed, never fatal.
      const again = previousOutput();
      expect(synthToDirectory(buildWith(c.build), again.out, { strict: true }).warnings.map(formatFinding)).toContain(c.line);
      fs.rmSync(again.parent, { recursive: true, force: true });
    }
  });
});

describe('props schema', () => {
  test('lib/validation/props-schema.ts and schema/fleet.schema.json are what scripts/props-schema.ts generates from the props interfaces (run npm run props-schema when it fails)', () => {
    // The generator takes about 3 s: it runs again whenever its inputs changed (test/check-cache.ts).
    unlessPassedBefore('props-schema', ['lib', 'scripts/props-schema.ts', 'tsconfig.json', 'package-lock.json', 'schema'], () => {
      const { props, fleet } = generatedSchemas();
      expect(fs.readFileSync(path.join(__dirname, '..', 'lib', 'validation', 'props-schema.ts'), 'utf8')).toBe(props);
      expect(fs.readFileSync(path.join(__dirname, '..', 'schema', 'fleet.schema.json'), 'utf8')).toBe(fleet);
    });
  });

  test('rules apply only to their versions and modes', () => {
    const ok = (build: (chart: Chart) => void) => {
      const { parent, out } = previousOutput();
      const result = synthToDirectory(buildWith(build), out);
      fs.rmSync(parent, { recursive: true, force: true });
      return result;
    };
    // targetUtilizationPercentage is unchecked from 0.15 on, and model.name is allowed before 0.16.
    ok(c => model(c, { isvc: { ...v(KServeVersion.V0_15), annotations: { 'serving.kserve.io/targetUtilizationPercentage': '150' } } }));
    ok(c => model(c, { isvc: v(KServeVersion.V0_15), patch: [JsonPatch.add('/spec/predictor/model/name', 'triton')] }));
    // Knative-only rules stay quiet in Standard mode: 5000 concurrency and a node selector are fine there.
    const standardRun = ok(c => model(c, { isvc: standard, predictor: { maxReplicas: 2, containerConcurrency: 5000, nodeSelector: { pool: 'gpu' } } }));
    expect(standardRun.warnings).toEqual([]);
  });

  test('suppression switches a warning off for a construct and everything under it, keeping the reason', () => {
    const { parent, out } = previousOutput();
    const result = synthToDirectory(buildWith(c => {
      model(c, { predictor: { nodeSelector: { pool: 'gpu' } } });
      Validation.suppress(c, 'knative-feature-flag', 'config-features enables nodeselector on our clusters');
      Validation.suppress(c, 'ngc-tag-resolution', 'the KServe installer configured Knative');
    }), out, { strict: true });
    expect(result.warnings).toEqual([]);
    expect(result.suppressed.map(f => `${f.rule.id}: ${f.suppressedBecause}`).sort()).toEqual([
      'knative-feature-flag: config-features enables nodeselector on our clusters',
      'ngc-tag-resolution: the KServe installer configured Knative',
    ]);
    fs.rmSync(parent, { recursive: true, force: true });
  });

  test('the image-pinned error can be suppressed for one construct, with a reason', () => {
    const { parent, out } = previousOutput();
    synthToDirectory(buildWith(c => {
      model(c, { transformer: { image: 'registry.example.com/dev/transformer:latest' } });
      Validation.suppress(c.node.findChild('transformer'), 'image-pinned', 'dev loop: the image is rebuilt on every push');
    }), out);
    expect(fs.readFileSync(path.join(out, 'test.k8s.yaml'), 'utf8')).toContain('transformer:latest');
    fs.rmSync(parent, { recursive: true, force: true });
  });

  test('a plain app.synth() fails on the same errors (library users who do not call main)', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-plain-')) });
    model(new Chart(app, 'test'), { predictor: { minReplicas: 5, maxReplicas: 2 } });
    expect(() => app.synth()).toThrow('test/predictor: error [replicas] spec.predictor.maxReplicas (2) must be 0 or at least minReplicas (5)');
  });
});

describe('valid variants pass every rule and the real CRD schemas', () => {
  const variants: [string, (chart: Chart) => void][] = [
    ['Knative, transformer, logger, gRPC-free', c => model(c, { transformer: { logger: { sink: new MessageDumper(c, 'dumper') } } })],
    ['Knative on 0.11 with rps scaling', c => model(c, { isvc: v(KServeVersion.V0_11), predictor: { knative: { metric: KnativeMetric.RPS, target: 50 } } })],
    ['Standard with CPU autoscaling', c => model(c, { isvc: standard, predictor: { minReplicas: 1, maxReplicas: 4, standard: { autoscaler: StandardAutoscaler.hpa({ targetUtilizationPercent: 70 }) } }, transformer: { maxReplicas: 2 } })],
    ['Standard on 0.11 with memory autoscaling', c => model(c, { isvc: { ...standard, ...v(KServeVersion.V0_11) }, predictor: { maxReplicas: 4, standard: { autoscaler: StandardAutoscaler.hpa({ metric: HpaMetric.MEMORY, targetUtilizationPercent: 80 }) } } })],
    ['gRPC predictor, transformer logs', c => model(c, { predictor: { protocol: TritonProtocol.GRPC_V2 }, transformer: { logger: { sink: LoggerSink.fromUrl('http://d.default.svc.cluster.local') } } })],
    ['Knative HPA class with a CPU metric', c => model(c, { predictor: { annotations: { 'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev' } }, patch: [JsonPatch.add('/spec/predictor/scaleMetric', 'cpu'), JsonPatch.add('/spec/predictor/scaleTarget', 80)] })],
    ['Standard with the external autoscaler class: no HPA rules, no fixed-replica warning', c => model(c, { isvc: standard, predictor: { standard: { autoscaler: StandardAutoscaler.external() } } })],
    ['Knative canary with tag routing and every knative prop', c => model(c, {
      isvc: { tagRouting: true }, rollout: { stage: RolloutStage.canary(10) },
      predictor: { knative: { metric: KnativeMetric.CONCURRENCY, target: 4, targetUtilizationPercent: 80, initialScale: 2, scaleDownDelay: Duration.minutes(5), window: Duration.seconds(120), targetBurstCapacity: -1, progressDeadline: Duration.minutes(20) } },
    })],
    ['Knative rollback on 0.11', c => model(c, { isvc: v(KServeVersion.V0_11), rollout: { stage: RolloutStage.ROLLED_BACK } })],
    ['Standard canary on 0.20 with a named stable predictor', c => model(c, { isvc: standard, predictor: { name: 'v1', minReplicas: 2, maxReplicas: 4 }, transformer: { maxReplicas: 2 }, rollout: { stage: RolloutStage.canary(25), candidate: { name: 'v2', maxReplicas: 9, minReplicas: 1 } } })],
    ['Standard rollback on 0.20', c => model(c, { isvc: standard, predictor: { maxReplicas: 4 }, rollout: { stage: RolloutStage.ROLLED_BACK, candidate: { name: 'v2' } } })],
    ['Standard promotion on 0.20', c => model(c, { isvc: standard, predictor: { maxReplicas: 4 }, rollout: { stage: RolloutStage.PROMOTED, candidate: { name: 'v2', maxReplicas: 4 } } })],
    ['Standard KEDA on Triton queue time and memory, transformer on CPU', c => model(c, {
      isvc: standard,
      predictor: { maxReplicas: 6, standard: { autoscaler: StandardAutoscaler.keda({ metrics: [
        KedaMetric.prometheus({ serverAddress: 'http://prometheus.monitoring.svc:9090', query: 'sum(rate(nv_inference_queue_duration_us{model="m"}[1m])) / sum(rate(nv_inference_request_success{model="m"}[1m]))', threshold: 5000 }),
        KedaMetric.memory(Size.gibibytes(6)),
      ] }), deploymentStrategy: DeploymentStrategy.rollingUpdate({ maxSurge: 0, maxUnavailable: 1 }) } },
      transformer: { maxReplicas: 3, standard: { autoscaler: StandardAutoscaler.keda({ metrics: [KedaMetric.cpu(70)] }) } },
    })],
    ['Standard KEDA with a transformer that chose no metric (gets CPU 80 %)', c => model(c, { isvc: standard, predictor: { maxReplicas: 2, standard: { autoscaler: StandardAutoscaler.keda({ metrics: [KedaMetric.memoryUtilization(75)] }) } }, transformer: { maxReplicas: 2 } })],
    ['Standard with no autoscaler on 0.16', c => model(c, { isvc: { ...standard, ...v(KServeVersion.V0_16) }, predictor: { minReplicas: 2, standard: { autoscaler: StandardAutoscaler.none() } } })],
    ['Standard recreate strategy on 0.13', c => model(c, { isvc: { ...standard, ...v(KServeVersion.V0_13) }, predictor: { maxReplicas: 2, standard: { deploymentStrategy: DeploymentStrategy.recreate() } } })],
    ['GPU with request equal to limit', c => model(c, { predictor: { gpus: 1 }, patch: [JsonPatch.add('/spec/predictor/model/resources/requests/nvidia.com~1gpu', '1')] })],
  ];
  test.each(variants)('%s', (_, build) => {
    const app = new App();
    const chart = new Chart(app, 'test');
    build(chart);
    // No errors, and no warnings but the Triton image's (which every Knative-mode predictor gets).
    // (and the dark-launch note of every Standard canary, asserted in rollout.test.ts).
    expect(Validation.findings(app).filter(f => !['ngc-tag-resolution', 'canary-dark-launch'].includes(f.rule.id)).map(formatFinding)).toEqual([]);
    // synth() validates every object with ajv against the CRDs of the chart's KServe version.
    expect(synth(chart).map(o => o.kind)).toContain('InferenceService');
  });
});

describe('the synth-time schema walker agrees with ajv on the real CRDs', () => {
  // Every case above builds objects; both validators must accept or reject each spec alike.
  test.each([...ERRORS, ...WARNINGS].map(c => [c.when, c] as const))('%s', (_, c) => {
    const app = new App();
    try {
      c.build(new Chart(app, 'test'));
    } catch (e) {
      // Props a construct cannot be built from: nothing is emitted to compare.
      if (e instanceof PropsError) return;
      throw e;
    }
    const objects: { obj: any; set: SchemaSet; schema: 'kserve' | 'knative' }[] = [];
    // A patch that does not apply leaves no object to compare (the value-shape case).
    const json = (o: ApiObject) => { try { return o.toJson(); } catch { return undefined; } };
    for (const x of app.node.findAll()) {
      if (x instanceof InferenceService && json(x.resource) === undefined) continue;
      if (x instanceof InferenceService) objects.push({ obj: x.resource.toJson(), set: schemaSetFor(x.kserveVersion.minor, x.knativeVersion.minor), schema: 'kserve' });
      if (x instanceof MessageDumper && x.deploymentMode === DeploymentMode.KNATIVE) objects.push({ obj: x.resource.toJson(), set: schemaSetFor(x.kserveVersion.minor, x.knativeVersion.minor), schema: 'knative' });
    }
    for (const { obj, set, schema } of objects) {
      const ajv = schemaErrors(obj, set).filter(e => /^[^:]*\/spec/.test(e));
      const ours = specViolations(obj.spec, set[schema] as SchemaName);
      expect({ ours: ours.length > 0, ajv: ajv.length > 0 }).toEqual({ ours: ajv.length > 0, ajv: ajv.length > 0 });
    }
  });
});
