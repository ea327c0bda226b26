import { withTracing } from '@ocs/wiring/tracing';

/** `npm start`: every service in one process, in memory, printing what it serves. */
async function main(): Promise<void> {
  // Loaded once tracing has started, so that what tracing instruments is loaded after it.
  const { createLogger } = await import('@ocs/observability');
  const { loadConfigOrExit, startEmbedded } = await import('@ocs/wiring');
  const config = loadConfigOrExit('all-in-one');
  const logger = createLogger({ service: 'all-in-one', level: config.log.level });
  try {
    const { urls } = await startEmbedded(config);
    const gateway = urls['webapi-gateway'];
    const ws = gateway.replace(/^http/, 'ws');
    process.stdout.write(
      [
        '',
        'Chat server running (embedded, in memory). Serving:',
        `  customer REST (GMS Chat API v2)  ${gateway}/genesys/2/chat/{serviceName}   services: ${Object.keys(config.services).join(', ')}`,
        `  customer CometD                  ${gateway}${config.server.cometdPath}`,
        `  agent WebSocket                  ${ws}${config.server.agentWsPath}`,
        `  ESP gateway (Interaction Server) ${urls['esp-gateway']}/esp`,
        `  router (play routing by hand)    ${urls['esp-gateway']}/router/queues`,
        ...Object.entries(urls).map(([name, url]) => `  health of ${name.padEnd(22)} ${url}/health/ready   metrics: ${url}/metrics`),
        '',
      ].join('\n') + '\n',
    );
  } catch (error) {
    logger.fatal({ err: error }, 'all-in-one failed to start');
    process.exit(1);
  }
}

void withTracing('all-in-one', main);
