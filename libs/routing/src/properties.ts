import type { GoneCause, InteractionState } from './types';

/**
 * The interaction properties (user data) routing keeps current. `IsOnline` is the chat server's key (the guide's
 * `IsOnline`, `'1'`/`'0'`); `RTargetAgentSelected` follows the key routing strategies attach for the agent they
 * chose; the `Routing*` keys are this project's own.
 */
export const ROUTING_PROPERTY_KEYS = ['IsOnline', 'RoutingQueue', 'RoutingStatus', 'RoutingWaitTime', 'RTargetAgentSelected'] as const;
export type RoutingPropertyKey = (typeof ROUTING_PROPERTY_KEYS)[number];

/**
 * The properties of an interaction in routing: online, its queue, where it is (`waiting`, `deciding`, `offered`,
 * `routed`), the seconds it has waited (frozen when an agent accepts) and the agent it is with (empty until then).
 */
export function routingProperties(it: InteractionState, now: number): Record<RoutingPropertyKey, string> {
  const waitedMs = (it.status === 'routed' ? (it.acceptedAt ?? now) : now) - it.enqueuedAt;
  return {
    IsOnline: '1',
    RoutingQueue: it.queue,
    RoutingStatus: it.status,
    RoutingWaitTime: String(Math.max(0, Math.floor(waitedMs / 1000))),
    RTargetAgentSelected: it.status === 'routed' ? (it.agentId ?? '') : '',
  };
}

/** The properties once an interaction has left routing: a chat abandoned or stopped in queue is no longer online. */
export function goneProperties(cause: GoneCause): Partial<Record<RoutingPropertyKey, string>> {
  return cause === 'completed' ? {} : { IsOnline: '0' };
}
