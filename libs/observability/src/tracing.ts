/**
 * OpenTelemetry traces of one service: the HTTP server and client spans (GMS REST and CometD, ESP, engine RPC, the
 * push receiver), Kafka publish and consume with the trace context in each record's headers, Redis and Cassandra
 * calls, and the trace and span ids in every log line written inside a span. Started before anything it instruments
 * is loaded (see the apps' `main`), so this file imports nothing of ours and loads the SDK only when tracing is on.
 */

export interface TracingOptions {
  /** `service.name` of the spans. */
  readonly service: string;
  /** The collector's OTLP/HTTP traces URL, e.g. `http://otel-collector:4318/v1/traces`. */
  readonly endpoint: string;
  /** Share of new traces kept, 0 to 1; a request arriving with a sampled parent is always kept. */
  readonly sampleRatio: number;
}

export interface Tracing {
  /** Sends what is still buffered and stops. */
  shutdown(): Promise<void>;
}

/** Query parameters that carry credentials or a party's identity: never written into a span. */
const HIDDEN_QUERY_PARAMETERS = ['secureKey', 'userId', 'alias', 'token', 'password', 'apikey', 'apiKey', 'access_token'];

/** Probes and scrapes are not traced: they would be most of the spans and tell nothing. */
const UNTRACED_PATHS = /^\/(health|metrics|Counters)(\/|\?|$)/;

export async function startTracing(options: TracingOptions): Promise<Tracing> {
  const [{ NodeSDK, tracing }, { OTLPTraceExporter }, http, express, undici, kafkajs, ioredis, cassandra, pino] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/instrumentation-kafkajs'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('@opentelemetry/instrumentation-cassandra-driver'),
    import('@opentelemetry/instrumentation-pino'),
  ]);
  const sdk = new NodeSDK({
    serviceName: options.service,
    traceExporter: new OTLPTraceExporter({ url: options.endpoint }),
    sampler: new tracing.ParentBasedSampler({ root: new tracing.TraceIdRatioBasedSampler(options.sampleRatio) }),
    instrumentations: [
      new http.HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
        redactedQueryParamsServer: HIDDEN_QUERY_PARAMETERS,
        redactedQueryParams: HIDDEN_QUERY_PARAMETERS,
      }),
      new express.ExpressInstrumentation(),
      new undici.UndiciInstrumentation(),
      new kafkajs.KafkaJsInstrumentation(),
      // The command's name only: its arguments may carry a session's data.
      new ioredis.IORedisInstrumentation({ dbStatementSerializer: (command) => command }),
      new cassandra.CassandraDriverInstrumentation(),
      // Trace and span ids into log lines; the log records themselves stay with the logger, not the collector.
      new pino.PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
