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
}

/** @internal */
export function renderLogger(logger: LoggerOptions | undefined): { url: string; mode: string } | undefined {
  return logger && { url: logger.sink.loggerUrl, mode: logger.mode ?? LoggerMode.ALL };
}
