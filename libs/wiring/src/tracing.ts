import { ConfigError, loadConfig } from '@ocs/config';
import { startTracing } from '@ocs/observability/tracing';

/**
 * The start of a service's `main`: traces as `[tracing]` asks, then `main`, which must load the rest of the product
 * (`await import('@ocs/wiring')`) only now, so that what tracing instruments (HTTP, Express, fetch, Kafka, Redis,
 * Cassandra, the logger) is loaded after it. A configuration error is left to `main`, which reports it by name.
 * This file imports only the configuration and the tracing start, never the rest of the product.
 */
export async function withTracing(service: string, main: () => Promise<unknown>): Promise<void> {
  const options = tracingOptions(service);
  if (options !== undefined) {
    const tracing = await startTracing(options);
    // Spans still buffered go out while the service closes (Nest's own SIGTERM handling closes the app meanwhile).
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void tracing.shutdown());
  }
  await main();
}

function tracingOptions(service: string) {
  try {
    const { tracing } = loadConfig();
    return tracing.enabled ? { service, endpoint: tracing.endpoint, sampleRatio: tracing.sampleRatio } : undefined;
  } catch (e) {
    if (e instanceof ConfigError) return undefined;
    throw e;
  }
}
