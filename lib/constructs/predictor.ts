import { Construct } from 'constructs';
import { ModelSignature } from '../contract/signature';
import { ILoggerSink } from '../model/logger';
import { IModelStorageCredentials } from '../model/storage';
import { ComponentBindContext, InferenceServiceComponent } from './component';

/**
 * The seam between an InferenceService and its components. The InferenceService knows only
 * `Predictor` and `Transformer`: it binds each one and writes what the binding returns, so a
 * predictor for another serving runtime is a new subclass, not a change to the InferenceService
 * (as aws-cdk's SageMaker `ModelData.bind` does for model artifacts).
 *
 * A component is a definition: binding renders it for one InferenceService and changes nothing
 * in the component, so the same definition may be bound to several InferenceServices (each gets
 * its own copy of the spec). A component no InferenceService binds writes nothing, which the
 * `component-binding` rule reports.
 */

/** Where a predictor is written. */
export enum PredictorRole {
  /** `spec.predictor`. */
  PREDICTOR = 'predictor',
  /** A Standard-mode canary in `spec.canary[]` (KServe 0.20), which has no scaling of its own. */
  CANARY = 'canary',
}

/** The InferenceService a predictor is bound to, and where in it the predictor goes. */
export interface PredictorBindContext extends ComponentBindContext {
  readonly role: PredictorRole;
}

/** The InferenceService a transformer is bound to, and the predictor it calls. */
export interface TransformerBindContext extends ComponentBindContext {
  /** The protocol the predictor serves; the transformer speaks it to the predictor. */
  readonly predictorProtocol: string;
}

/** Where a bound predictor's model is. */
export interface PredictorStorage {
  /** The storage URI as written. */
  readonly uri: string;
  /** Whether its Azure Blob parts were checked from props (so the URI check skips them). */
  readonly partsChecked: boolean;
  /** `<account>/<container>/<path>` of an Azure Blob model, compared across InferenceServices for name-prefix overlaps. */
  readonly azurePrefix?: string;
}

/** What a bound predictor gives the InferenceService. */
export interface PredictorConfig {
  /** The predictor as written to the InferenceService (`spec.predictor`, or the canary's `predictor`). */
  readonly spec: Record<string, any>;
  /** `predictor.name` as written, if any (Standard mode, KServe 0.20+). */
  readonly name?: string;
  readonly storage: PredictorStorage;
  /** The credentials the storage initializer reads the model with, if any. */
  readonly credentials?: IModelStorageCredentials;
  /** Where the predictor logs, if it does. */
  readonly logger?: ILoggerSink;
  /** What must be applied before the InferenceService: the constructs among these (credentials, a logger sink) in the same chart. */
  readonly dependencies: unknown[];
  /** The Standard-mode autoscaler class the predictor asks for, if any. */
  readonly autoscalerClass?: string;
}

/** What a bound transformer gives the InferenceService. */
export interface TransformerConfig {
  /** The transformer as written to the InferenceService (`spec.transformer`). */
  readonly spec: Record<string, any>;
  readonly logger?: ILoggerSink;
  /** What must be applied before the InferenceService: the constructs among these in the same chart. */
  readonly dependencies: unknown[];
  readonly autoscalerClass?: string;
}

/** The protocol value of Open Inference Protocol over gRPC (`protocolVersion: grpc-v2`). */
export const GRPC_V2_PROTOCOL = 'grpc-v2';

/**
 * The predictor of an InferenceService: a model server for one serving runtime.
 * `TritonPredictor` is the one this library ships.
 */
export abstract class Predictor extends InferenceServiceComponent {
  /** The protocol the predictor serves (`protocolVersion`: `v2`, `grpc-v2`); the transformer talks to it with the same one. */
  public abstract readonly protocol: string;
  /** The model format KServe picks the runtime by (`modelFormat.name`), also written as the InferenceService's `modelFormat` annotation from 0.17. */
  public abstract readonly modelFormat: string;
  /** The model server, as ENDPOINTS.md names it (`Triton`). */
  public abstract readonly serverName: string;
  /** Name of this model version, if given (`predictor.name` in Standard mode on KServe 0.20+). */
  public abstract readonly name?: string;
  /** The tensors the model takes and returns, if given. */
  public abstract readonly signature?: ModelSignature;

  protected constructor(scope: Construct, id: string) {
    super(scope, id, 'predictor');
  }

  /** Renders the predictor for the InferenceService of `ctx`. */
  public bind(ctx: PredictorBindContext): PredictorConfig {
    this.markBound();
    return this.render(ctx);
  }

  /** What `bind` returns, for one InferenceService. */
  protected abstract render(ctx: PredictorBindContext): PredictorConfig;
}

/**
 * The transformer of an InferenceService: pre/post-processing in front of the predictor.
 * `PythonTransformer` is the one this library ships.
 */
export abstract class Transformer extends InferenceServiceComponent {
  /** What clients send to the InferenceService and get back, if given. */
  public abstract readonly signature?: ModelSignature;
  /** The pre/post-processing image, as ENDPOINTS.md shows it. */
  public abstract readonly image: string;

  protected constructor(scope: Construct, id: string) {
    super(scope, id, 'transformer');
  }

  /** Renders the transformer for the InferenceService of `ctx`. */
  public bind(ctx: TransformerBindContext): TransformerConfig {
    this.markBound();
    return this.render(ctx);
  }

  /** What `bind` returns, for one InferenceService. */
  protected abstract render(ctx: TransformerBindContext): TransformerConfig;
}
