import { KpiCounters, type SessionLimitOptions } from '@ocs/chat-engine';
import type { ChatServerConfig } from '@ocs/config';
import type { NodeHealth } from '@ocs/service-session-engine';
import { httpUrl, listenAddress } from './run-service';

/** How often the event-loop delay is handed to `limit-for-reply-delay` (a sample each second, averaged over the interval). */
const REPLY_DELAY_SAMPLE_MS = 1_000;

/**
 * The node's KPI counters when something reads them: the health port (`[server] health-port`) or the periodic log
 * output (`[health-service] log-output-timeout`); otherwise none, and nothing is counted.
 */
export function kpiCountersFor(config: ChatServerConfig): KpiCounters | undefined {
  const wanted = config.server.healthPort !== undefined || config.healthService.logOutputTimeout > 0;
  return wanted ? new KpiCounters(() => process.memoryUsage().rss) : undefined;
}

/** `[settings] limits-control-enabled` and its `limit-for-*` options, as the engine takes them. */
export function limitsFromConfig({ settings }: ChatServerConfig): SessionLimitOptions | undefined {
  if (!settings.limitsControlEnabled) return undefined;
  return {
    sessions: settings.limitForSessions,
    flexUsers: settings.limitForFlexUsers,
    replyDelayMs: settings.limitForReplyDelay,
    averageIntervalMs: settings.limitAverageInterval * 1000,
    restorePercent: settings.limitsRestoreThreshold,
  };
}

/** `[server] health-host` (else `host`) and `health-port`: where the node serves `GET /Counters`; absent: it serves none. */
function healthListen(server: ChatServerConfig['server']): { host: string; port: number } | undefined {
  return server.healthPort === undefined ? undefined : { host: server.healthHost ?? server.host, port: server.healthPort };
}

/** Bind addresses of every interface: not an address another machine can call. */
const ANY_ADDRESS = ['0.0.0.0', '::'];

/**
 * The health port's base URL as others are told it (in the membership, to the admin CLI), when `[server] health-port`
 * is set: its bind host, or, bound on every interface (as the chart binds it), the host the engine announces.
 */
export function healthPortUrl(server: ChatServerConfig['server']): string | undefined {
  const listen = healthListen(server);
  if (!listen) return undefined;
  return httpUrl({ host: ANY_ADDRESS.includes(listen.host) ? listenAddress(server, 'engine').host : listen.host, port: listen.port });
}

/** The health service of a session-engine node (`node`: its id in `gms_info`) and the reply-delay sampling. */
export function nodeHealth(config: ChatServerConfig, counters: KpiCounters | undefined, node: string): NodeHealth {
  const { healthService, server, settings } = config;
  const listen = healthListen(server);
  return {
    ...(counters
      ? {
          health: {
            counters,
            node,
            ...(listen ? { listen } : {}),
            logOutput: { timeoutSeconds: healthService.logOutputTimeout, proviso: healthService.logOutputProviso, content: healthService.logOutputContent },
          },
        }
      : {}),
    ...(settings.limitsControlEnabled && settings.limitForReplyDelay > 0 ? { replyDelay: { everyMs: REPLY_DELAY_SAMPLE_MS } } : {}),
  };
}
