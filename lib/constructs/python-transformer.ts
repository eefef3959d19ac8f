import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  InferenceServiceSpecTransformer,
  InferenceServiceSpecTransformerContainersResourcesLimits as Limit,
  InferenceServiceSpecTransformerContainersResourcesRequests as Request,
  InferenceServiceSpecTransformerLoggerMode as LoggerModeWire,
  InferenceServiceSpecTransformerScaleMetric as ScaleMetricWire,
  toJson_InferenceServiceSpecTransformer,
} from '../../imports/serving.kserve.io';
import { ComponentOptions } from './component';
import { Transformer, TransformerBindContext, TransformerConfig } from './predictor';
import { EnvValue, renderEnv } from '../model/env';
import { KServeVersion } from '../core/kserve-version';
import { LoggerOptions } from '../model/logger';
import { ContainerResources, Cpu, quantities, resolveResources } from '../model/resources';
import { RULES } from '../core/rules';
import { pinnedImage } from '../model/image-digests';
import { DEFAULT_TMP_DIR, renderSecurity, withSecurityEnv } from '../model/security';
import { ModelSignature } from '../contract/signature';
import { compact } from '../core/names';
import { checkedProps } from '../validation/props';

/** Everything about a Python transformer except where it logs. */
export interface PythonTransformerOptions extends ComponentOptions {
  /**
   * The pre/post-processing image, built on the `kserve` Python SDK. Pin it by tag or digest.
   */
  readonly image: string;

  /**
   * Extra arguments for the transformer script. KServe adds `--model_name`,
   * `--predictor_host`, `--http_port` and (with `containerConcurrency`) `--workers`; this
   * construct adds `--protocol` and `--predictor_protocol` from the predictor.
   *
   * @default - none
   */
  readonly args?: string[];

  /**
   * Environment variables of the transformer container: a string is a literal value, an
   * `EnvValue` reads a Secret or ConfigMap key.
   *
   * @default - none
   */
  readonly env?: Record<string, string | EnvValue>;

  /**
   * CPU and memory of the transformer container. Both requests and limits are always written.
   *
   * @default - 1 CPU and 1Gi memory, requests equal to limits
   */
  readonly resources?: ContainerResources;

  /**
   * How long the transformer waits for the predictor (`--predictor_request_timeout_seconds`,
   * KServe SDK 0.12+).
   *
   * @default - the SDK's default, 600 seconds
   */
  readonly predictorRequestTimeout?: Duration;

  /**
   * Retries of a failed predictor call (`--predictor_request_retries`, KServe SDK 0.15+).
   *
   * @default - the SDK's default, 0
   */
  readonly predictorRequestRetries?: number;

  /**
   * Report ready only while the predictor is ready (`--enable_predictor_health_check`,
   * KServe SDK 0.15+).
   *
   * @default false
   */
  readonly enablePredictorHealthCheck?: boolean;
}

/** Props of `PythonTransformer`. */
export interface PythonTransformerProps extends PythonTransformerOptions {
  /**
   * Request/response logging of the transformer (the client's raw request and final response).
   *
   * @default - no logging
   */
  readonly logger?: LoggerOptions;
}

/**
 * Flags this construct or KServe derive: a user setting them would conflict with the wiring
 * (a hand-written external `--predictor_host` is kserve#2273).
 */
const DERIVED_FLAGS: Record<string, string> = {
  '--predictor_host': 'KServe injects the in-cluster predictor host',
  '--http_port': 'KServe injects 8080, the port Knative routes to',
  '--protocol': 'it is derived from the predictor\'s protocol',
  '--predictor_protocol': 'it is derived from the predictor\'s protocol',
};

/**
 * The transformer of an InferenceService: one container, named `kserve-container`, running a
 * Python pre/post-processing server that calls the predictor.
 */
export class PythonTransformer extends Transformer {
  /** What clients send to the InferenceService and get back, if given. */
  public readonly signature?: ModelSignature;
  /** The pre/post-processing image. */
  public readonly image: string;

  private readonly props: PythonTransformerProps;

  public constructor(scope: Construct, id: string, props: PythonTransformerProps) {
    super(scope, id);
    props = checkedProps(this, 'PythonTransformerProps', props);
    this.props = props;
    this.signature = props.signature;
    this.image = props.image;
  }

  protected render(ctx: TransformerBindContext): TransformerConfig {
    const props = this.props;
    const out = ctx._out;
    const predictorProtocol = ctx.predictorProtocol;
    const rendered = this._renderCommon(props, props.logger, ctx);
    const { autoScaling, deploymentStrategy, ...component } = rendered.fields;
    const flagProblem = (field: string, value: unknown, expected: string) => out.add(RULES.TRANSFORMER_FLAGS, field, value, expected, { scope: this });

    for (const arg of props.args ?? []) {
      const flag = arg.split('=')[0];
      if (DERIVED_FLAGS[flag]) flagProblem('args', arg, `must not set ${flag}: ${DERIVED_FLAGS[flag]}`);
    }

    const version = ctx.kserveVersion;
    const flags: string[] = ['--protocol', predictorProtocol, '--predictor_protocol', predictorProtocol];
    if (props.predictorRequestTimeout) {
      const seconds = props.predictorRequestTimeout.toSeconds({ integral: false });
      if (!version.isAtLeast(KServeVersion.V0_12)) flagProblem('predictorRequestTimeout', `${seconds}s`, `needs KServe 0.12 or newer (target is ${version})`);
      if (!(Number.isInteger(seconds) && seconds >= 1)) flagProblem('predictorRequestTimeout', `${seconds}s`, 'must be whole seconds, at least 1');
      flags.push('--predictor_request_timeout_seconds', String(seconds));
    }
    if (props.predictorRequestRetries !== undefined) {
      const retries = props.predictorRequestRetries;
      if (!version.isAtLeast(KServeVersion.V0_15)) flagProblem('predictorRequestRetries', retries, `needs KServe 0.15 or newer (target is ${version})`);
      if (!(Number.isInteger(retries) && retries >= 0)) flagProblem('predictorRequestRetries', retries, 'must be a whole number of at least 0');
      flags.push('--predictor_request_retries', String(retries));
    }
    if (props.enablePredictorHealthCheck) {
      if (!version.isAtLeast(KServeVersion.V0_15)) flagProblem('enablePredictorHealthCheck', true, `needs KServe 0.15 or newer (target is ${version})`);
      flags.push('--enable_predictor_health_check');
    }

    const resources = resolveResources(props.resources, { cpu: Cpu.cores(1), memory: Size.gibibytes(1) });
    // KServe's Python images run as UID 1000; Python's tempfile writes where TMPDIR points.
    const security = renderSecurity(props.security, { runAsUser: 1000, tmpDir: DEFAULT_TMP_DIR }, 'security', out, this);
    const spec = compact<InferenceServiceSpecTransformer>({
      ...component,
      volumes: security.volumes.length > 0 ? security.volumes : undefined,
      scaleMetric: component.scaleMetric as ScaleMetricWire | undefined,
      logger: component.logger && { ...component.logger, mode: component.logger.mode as LoggerModeWire },
      containers: [{
        // KServe's webhook renames the first container to this; naming it avoids GitOps drift.
        name: 'kserve-container',
        image: pinnedImage(this, props.image, 'image', out),
        args: [...flags, ...(props.args ?? [])],
        env: withSecurityEnv(renderEnv(props.env), security),
        resources: {
          requests: quantities(resources.requests, Request.fromString),
          limits: quantities(resources.limits, Limit.fromString),
        },
        volumeMounts: security.volumeMounts.length > 0 ? security.volumeMounts : undefined,
        securityContext: security.securityContext,
      }],
    });
    return {
      dependencies: [props.logger?.sink],
      logger: props.logger?.sink,
      autoscalerClass: rendered.autoscalerClass,
      // autoScaling and deploymentStrategy carry IntOrString values the generated toJson would drop.
      spec: compact({ ...toJson_InferenceServiceSpecTransformer(spec), autoScaling, deploymentStrategy }),
    };
  }
}
