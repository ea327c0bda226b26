import type { KvList } from '@ocs/chat-domain';
import type { SessionEventRecord } from '@ocs/contracts';
import { jsonCopy } from '@ocs/ports';
import { closingStartedDormant, endReason } from './end-reason';
import { idleAlert, idleEnded, propertiesChanged } from './idle';
import { finalKeyValues, updateKeyValues } from './key-values';
import { cancelDormant, endDormant, partyJoined, partyLeft, restored } from './parties';
import { periods, type Stats } from './state';
import type { FoldOutcome, RepEvent, StatisticsFold, StatisticsOptions, StatisticsState } from './statistics-api';
import { isActivity, messagePosted } from './transcript';

/**
 * The statistics calculator: a pure fold of one session's session-events records, in order, into its statistics.
 * `created` starts the state; each transcript event and property change updates it; `closed` gives the final
 * key-values and ends it; `purged` ends it with nothing. An async session may also give intermediate updates.
 */

const text = (data: KvList, key: string): string | undefined => (typeof data[key] === 'string' ? (data[key] as string) : undefined);

function started(record: Extract<SessionEventRecord, { type: 'created' }>): Stats {
  const { userData } = record;
  const stats: Stats = {
    sessionId: record.sessionId,
    createdAt: record.at,
    tenantId: String(record.service?.tenantDbid ?? 1),
    async: text(userData, 'GCTI_Chat_AsyncMode') === 'true' || record.properties['GCTI_Chat_AsyncStatus'] !== undefined,
    lastAt: record.at,
    lastEventId: 0,
    parties: {},
    agentKeys: [],
    coachKeys: [],
    monitorKeys: [],
    botKeys: [],
    fromAgents: { count: 0, size: 0 },
    fromCustomers: { count: 0, size: 0 },
    fromBots: { count: 0, size: 0 },
    customersPresent: 0,
    withCustomerMs: 0,
    agentsPresent: 0,
    handle: periods(),
    activeIdle: periods(),
    asyncIdle: periods(),
    dormant: periods(),
    routing: false,
    agentReply: periods(),
    agentWait: periods(),
    customerReply: periods(),
    customerWait: periods(),
    everAgent: false,
    messages: 0,
    leaves: [],
    idleClosed: false,
  };
  const language = text(userData, 'GCTI_LanguageName');
  const origin = text(userData, 'MediaOrigin');
  const mediaType = text(userData, 'MediaType');
  if (language !== undefined) stats.language = language;
  if (origin !== undefined) stats.mediaOrigin = origin;
  if (mediaType !== undefined) stats.mediaType = mediaType;
  return stats;
}

/** One transcript event; returns the async phase change it made, if any, for intermediate updates. */
function eventSeen(s: Stats, record: Extract<SessionEventRecord, { type: 'event' }>): RepEvent | undefined {
  const { event, from } = record;
  const wasDormant = s.dormantSince !== undefined || s.routing;
  s.lastAt = event.at;
  s.lastEventId = event.eventId;
  if (event.kind !== 'partyLeft') s.leaves = [];
  if (isActivity(event, from)) idleEnded(s, event.at);
  switch (event.kind) {
    case 'newParty':
      partyJoined(s, event, from);
      return s.async && wasDormant && s.agentsPresent > 0 ? 'active' : undefined;
    case 'partyLeft':
      partyLeft(s, event, from);
      return s.dormantSince !== undefined && s.dormantStartEventId === event.eventId ? 'dormant' : undefined;
    case 'message':
      messagePosted(s, event, from);
      return undefined;
    case 'notice':
      if (event.noticeType === 'IDLE_CONTROL_CLOSE') s.idleClosed = true;
      if (event.noticeType === 'IDLE_CONTROL_ALERT' && idleAlert(s, event.at)) return 'idle';
      return undefined;
  }
}

function closedNow(s: Stats, at: number, saveFailed: boolean, options: StatisticsOptions): Record<string, string> {
  const end = endReason(s, saveFailed);
  idleEnded(s, at);
  if (closingStartedDormant(s)) cancelDormant(s);
  else endDormant(s, at);
  return finalKeyValues(s, at, end, options);
}

export const foldStatistics: StatisticsFold = (state, record, options): FoldOutcome => {
  if (record.type === 'purged') return { state: undefined };
  if (record.type === 'created') return { state: started(record) as unknown as StatisticsState };
  if (!state) return { state: undefined };
  // A copy: the state given is left as it was, so a caller may keep it (its last checkpoint) until the outcome is saved.
  // The state is plain JSON: a plain copy, far cheaper than structuredClone at one fold per record.
  const s = jsonCopy(state) as unknown as Stats;
  switch (record.type) {
    case 'event': {
      const phase = eventSeen(s, record);
      const update = phase && options.attachStatsRepEvents?.includes(phase) ? updateKeyValues(s, record.event.at, options) : undefined;
      return { state: s as unknown as StatisticsState, ...(update ? { attach: update } : {}) };
    }
    case 'properties':
      propertiesChanged(s, record.properties);
      return { state: s as unknown as StatisticsState };
    case 'restored':
      restored(s);
      return { state: s as unknown as StatisticsState };
    case 'closed':
      return { state: undefined, attach: closedNow(s, Math.max(record.at, s.lastAt), record.saveFailed === true, options) };
    default:
      return { state };
  }
};
