import { KServeVersion } from '../core/kserve-version';

/**
 * Which traffic the KServe logger agent sends to the sink as CloudEvents.
 */
export enum LoggerMode {
  /** Requests and responses. */
  ALL = 'all',
  /** Requests only. */
  REQUEST = 'request',
  /** Responses only. */
  RESPONSE = 'response',
}

/**
 * Something that receives KServe's request/response CloudEvents over HTTP.
 */
export interface ILoggerSink {
  /** The in-cluster URL the logger agent POSTs events to. */
  readonly loggerUrl: string;
}

/**
 * Sinks that are not constructs of this library.
 */
export class LoggerSink {
  /**
   * Any HTTP endpoint that accepts binary-mode CloudEvents, for example a Knative Eventing
   * broker (`http://broker-ingress.knative-eventing.svc.cluster.local/<ns>/default`).
   * To log to a `MessageDumper`, pass the dumper itself.
   */
  public static fromUrl(url: string): ILoggerSink {
    return { loggerUrl: url };
  }

  private constructor() {}
}

/**
 * Request/response logging of one component.
 */
export interface LoggerOptions {
  /** Where events go: a `MessageDumper`, or `LoggerSink.fromUrl(...)`. */
  readonly sink: ILoggerSink;

  /**
   * Which traffic is logged. Always written: KServe rejects a logger without a mode.
   *
   * @default LoggerMode.ALL
   */
  readonly mode?: LoggerMode;

  /**
   * Request headers whose values the logger copies into each event's `metadata` extension
   * (`logger.metadataHeaders`, KServe 0.14+). Written in the canonical form Go's HTTP server
   * gives received headers (`X-Request-Id`), the only form KServe's logger matches. The default
   * makes both hops' events findable by the client's id: the transformer forwards only
   * `x-request-id` to the predictor, and the logger takes the event id only from `ce-id`
   * (kserve v0.20.0 pkg/logger/handler.go:210-215, python/kserve/kserve/model.py:44).
   *
   * @default - `['X-Request-Id']` on KServe 0.14 and newer; none before (the field is new in 0.14)
   */
  readonly metadataHeaders?: string[];
}

/**
 * A header name as Go's `net/http` server keys it (`textproto.CanonicalMIMEHeaderKey`):
 * `x-request-id` is `X-Request-Id`. KServe's logger compares `metadataHeaders` with the
 * received header names as they are (kserve v0.20.0 pkg/logger/handler.go:133-137), so only
 * the canonical form ever matches.
 */
export function canonicalHeaderName(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** The header each component's events carry by default (KServe 0.14+): the id the transformer forwards to the predictor. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Wire form of a component's logger. @internal */
export interface RenderedLogger {
  url: string;
  mode: string;
  metadataHeaders?: string[];
}

/**
 * Renders a logger for a KServe version: `metadataHeaders` as given (canonical), else
 * `X-Request-Id` from 0.14, the first version with the field.
 * @internal
 */
export function renderLogger(logger: LoggerOptions | undefined, version: KServeVersion): RenderedLogger | undefined {
  if (!logger) return undefined;
  const headers = logger.metadataHeaders?.map(canonicalHeaderName) ?? (version.isAtLeast(KServeVersion.V0_14) ? [REQUEST_ID_HEADER] : undefined);
  return { url: logger.sink.loggerUrl, mode: logger.mode ?? LoggerMode.ALL, ...(headers && headers.length > 0 ? { metadataHeaders: headers } : {}) };
}
