import { withTracing } from '@ocs/wiring/tracing';

// The product is loaded once tracing has started, so that what tracing instruments is loaded after it.
void withTracing('webapi-gateway', async () => {
  const { runService, webapiGateway } = await import('@ocs/wiring');
  await runService(webapiGateway);
});
