import type { EndReason } from './end-reason';
import type { StatisticsOptions } from './statistics-api';
import { withOpen, type Periods, type Stats } from './state';

/**
 * The key-values, as the guide names them: timestamps in UTC (`YYYY-MM-DDTHH:MM:SSZ`), times in whole seconds
 * (rounded), sizes in characters, counts. `attach-session-statistics=none` leaves the four keys the guide says are
 * always attached; `fired` leaves out the statistics that stayed at zero; `all` gives every one.
 */

export function timestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function seconds(ms: number): number {
  return Math.round(Math.max(0, ms) / 1000);
}

/** Keys that are descriptions, not statistics: attached whatever their value. */
type Text = Record<string, string>;
/** Statistics: left out under `fired` when zero. */
type Numbers = Record<string, number>;

function periodKeys(out: Numbers, prefix: string, p: Periods): void {
  out[`${prefix}MaxTime`] = seconds(p.maxMs);
  out[`${prefix}TotalCount`] = p.count;
  out[`${prefix}TotalTime`] = seconds(p.totalMs);
}

/** The statistics as of `now`; periods still under way end at `now` (an update) or at the close. */
export function statistics(s: Stats, now: number): Numbers {
  const open = (p: Periods, since: number | undefined): Periods => (since !== undefined && now > since ? withOpen(p, since, now) : p);
  const out: Numbers = {};
  periodKeys(out, 'cse_ActiveIdle', open(s.activeIdle, s.activeIdleSince));
  periodKeys(out, 'cse_SessionHandle', open(s.handle, s.handleSince));
  out.csg_MessagesFromAgentsCount = s.fromAgents.count;
  out.csg_MessagesFromAgentsSize = s.fromAgents.size;
  out.csg_MessagesFromCustomersCount = s.fromCustomers.count;
  out.csg_MessagesFromCustomersSize = s.fromCustomers.size;
  out.csg_PartiesAsAgentCount = s.agentKeys.length;
  out.csg_PartiesAsCoachCount = s.coachKeys.length;
  out.csg_PartiesAsMonitorCount = s.monitorKeys.length;
  out.csg_SessionTotalTime = seconds(now - s.createdAt);
  out.csg_SessionUntilFirstAgentTime = s.firstAgentAt !== undefined ? seconds(s.firstAgentAt - s.createdAt) : 0;
  out.csg_SessionUntilFirstReplyTime = s.firstReplyAt !== undefined ? seconds(s.firstReplyAt - s.createdAt) : 0;
  out.csg_SessionWithCustomerTime = seconds(s.withCustomerMs + (s.customerSince !== undefined ? now - s.customerSince : 0));
  periodKeys(out, 'cse_AgentReply', s.agentReply);
  periodKeys(out, 'cse_AgentWait', s.agentWait);
  periodKeys(out, 'cse_CustomerReply', s.customerReply);
  periodKeys(out, 'cse_CustomerWait', s.customerWait);
  out.csg_MessagesFromBotsCount = s.fromBots.count;
  out.csg_MessagesFromBotsSize = s.fromBots.size;
  out.csg_PartiesAsBotCount = s.botKeys.length;
  out.csg_SessionUntilFirstBotTime = s.firstBotAt !== undefined ? seconds(s.firstBotAt - s.createdAt) : 0;
  if (s.async) {
    periodKeys(out, 'cse_AsyncDormant', open(s.dormant, s.dormantSince));
    periodKeys(out, 'cse_AsyncIdle', open(s.asyncIdle, s.asyncIdleSince));
  }
  return out;
}

/** The session's characteristics that every set carries. */
function characteristics(s: Stats, options: StatisticsOptions): { always: Text; described: Text } {
  const always: Text = {
    ChatServerSessionStartedAt: timestamp(s.createdAt),
    csg_MediaType: s.mediaType ?? options.mediaType ?? 'chat',
    csg_TenantId: s.tenantId,
  };
  const described: Text = { csg_ChatSessionID: s.sessionId, csg_ChatAsyncMode: s.async ? '1' : '0' };
  if (s.language !== undefined) described.csg_LanguageName = s.language;
  if (s.mediaOrigin !== undefined) described.csg_MediaOrigin = s.mediaOrigin;
  return { always, described };
}

function merged(texts: Text, numbers: Numbers, fired: boolean): Record<string, string> {
  const out: Record<string, string> = { ...texts };
  for (const [key, value] of Object.entries(numbers)) if (!fired || value !== 0) out[key] = String(value);
  return out;
}

/** The final set, at the close (`closedAt`). */
export function finalKeyValues(s: Stats, closedAt: number, end: EndReason, options: StatisticsOptions): Record<string, string> {
  const { always, described } = characteristics(s, options);
  const closed = { ...always, ChatServerSessionClosedAt: timestamp(closedAt) };
  if (options.attachSessionStatistics === 'none') return closed;
  const ended = { csg_SessionEndedAgent: end.agent, csg_SessionEndedBy: end.by, csg_SessionEndedReason: end.reason };
  return merged({ ...closed, ...described, ...ended }, statistics(s, closedAt), options.attachSessionStatistics === 'fired');
}

const ASYNC_KEYS = /^(cse_Async|csg_ChatAsyncMode$|csg_ChatSessionID$|ChatServerSessionStartedAt$)/;

/** An intermediate update of an async session at `now`: the keys `attach-stats-rep-place` names, values so far. */
export function updateKeyValues(s: Stats, now: number, options: StatisticsOptions): Record<string, string> | undefined {
  const place = options.attachStatsRepPlace ?? 'none';
  if (place === 'none' || options.attachSessionStatistics === 'none') return undefined;
  const { always, described } = characteristics(s, options);
  const all = merged({ ...always, ...described }, statistics(s, now), options.attachSessionStatistics === 'fired');
  if (place === 'all') return all;
  return Object.fromEntries(Object.entries(all).filter(([key]) => ASYNC_KEYS.test(key)));
}
