import { addPeriod, type Stats } from './state';
import { cancelDormant, endDormant } from './parties';

/**
 * Idle periods and the async phases. An idle period starts with an inactivity alert (the configured threshold was
 * exceeded) and ends with the next activity or the close: with an agent present it is an active idle period
 * (`[inactivity-control]`), without one in an async session an async idle period (`async-idle-alert`). An async
 * session with no agent is dormant, except while it is being routed to an agent again.
 */

const ASYNC_STATUS_KEY = 'GCTI_Chat_AsyncStatus';
/** Async statuses that send the interaction to routing: the customer replied (2), the agent dropped (4), a transfer (5). */
const ROUTING_STATUSES = ['2', '4', '5'];

export function idleAlert(s: Stats, at: number): boolean {
  if (s.agentsPresent > 0) {
    s.activeIdleSince ??= at;
    return false;
  }
  if (!s.async || s.asyncIdleSince !== undefined) return false;
  s.asyncIdleSince = at;
  return true;
}

/** Activity (or the close) at `at` ends the idle periods under way. */
export function idleEnded(s: Stats, at: number): void {
  if (s.activeIdleSince !== undefined) addPeriod(s.activeIdle, at - s.activeIdleSince);
  if (s.asyncIdleSince !== undefined) addPeriod(s.asyncIdle, at - s.asyncIdleSince);
  delete s.activeIdleSince;
  delete s.asyncIdleSince;
}

/**
 * Changed interaction properties: an async status that sends the session to routing ends the dormant phase at the
 * event that set it; when that event is the agent's leave that began the phase, the session was never dormant.
 */
export function propertiesChanged(s: Stats, properties: Readonly<Record<string, string>>): void {
  const status = properties[ASYNC_STATUS_KEY];
  if (!s.async || status === undefined || !ROUTING_STATUSES.includes(status) || s.agentsPresent > 0) return;
  if (s.dormantSince !== undefined && s.dormantStartEventId === s.lastEventId) cancelDormant(s);
  else endDormant(s, s.lastAt);
  s.routing = true;
}
