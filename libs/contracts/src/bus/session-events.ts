import type { ChatEvent, KvList, SessionService } from '@ocs/chat-domain';
import { z } from 'zod';
import { chatEventSchema, eventSenderSchema, kvListSchema, type EventSender } from '../chat-event';
import { pushNoticeSchema, type PushNotice } from './push-notices';
import { readRecord, type Read } from './record-contract';

/** A record of `TOPICS.sessionEvents` (schema version 1), keyed by session id: one session's records stay in order. */
export type SessionEventRecord =
  | {
      type: 'created';
      sessionId: string;
      at: number;
      service?: SessionService;
      userData: KvList;
      /** The enforced session password, for the interaction's `ChatServerSessionPassword`. */
      password?: string;
      /** Interaction properties the session defines from the start (async status). */
      properties: Record<string, string>;
      /** The node that created the session (cluster mode). */
      nodeId?: string;
    }
  /** An event appended to the transcript, with the party it is from. */
  | { type: 'event'; sessionId: string; event: ChatEvent; from: EventSender }
  /** Interaction properties the session changed (async status and check time). */
  | { type: 'properties'; sessionId: string; interactionId?: string; properties: Record<string, string> }
  | {
      type: 'closed';
      sessionId: string;
      interactionId?: string;
      at: number;
      /** Closed because its transcript could not be saved (`transcript-save-on-error=close`). */
      saveFailed?: boolean;
    }
  /** Forgotten without closing actions (ESP `CloseSession` with `Purge`): consumers drop what they hold of it. */
  | { type: 'purged'; sessionId: string }
  /** Restored on `nodeId` after its owner `previousNodeId` was lost: the interaction's location changes. */
  | { type: 'restored'; sessionId: string; nodeId: string; previousNodeId: string; interactionId?: string }
  /** A push notification for a subscribed customer, for the push-notifier to deliver. */
  | { type: 'push'; sessionId: string; push: PushNotice };

const properties = z.record(z.string(), z.string());
const sessionId = z.string().min(1);

export const sessionEventSchema: z.ZodType<SessionEventRecord> = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('created'),
    sessionId,
    at: z.number(),
    service: z.object({ name: z.string(), tenantDbid: z.number().int(), endpoint: z.string() }).optional(),
    userData: kvListSchema,
    password: z.string().optional(),
    properties,
    nodeId: z.string().optional(),
  }),
  z.object({ type: z.literal('event'), sessionId, event: chatEventSchema, from: eventSenderSchema }),
  z.object({ type: z.literal('properties'), sessionId, interactionId: z.string().optional(), properties }),
  z.object({ type: z.literal('closed'), sessionId, interactionId: z.string().optional(), at: z.number(), saveFailed: z.boolean().optional() }),
  z.object({ type: z.literal('purged'), sessionId }),
  z.object({ type: z.literal('restored'), sessionId, nodeId: z.string(), previousNodeId: z.string(), interactionId: z.string().optional() }),
  z.object({ type: z.literal('push'), sessionId, push: pushNoticeSchema }),
]);

export const SESSION_EVENT_TYPES = ['created', 'event', 'properties', 'closed', 'purged', 'restored', 'push'] as const;

/**
 * A session-events record as a consumer reads it: `acting` names the record types it acts on, and records of other
 * types are passed over unchecked (the interaction bridge, say, leaves every transcript `event` record alone).
 */
export function readSessionEvent(value: unknown, acting: readonly SessionEventRecord['type'][] = SESSION_EVENT_TYPES): Read<SessionEventRecord> {
  return readRecord(sessionEventSchema, acting, value);
}
