import type { ChatSession, PushDecision } from '@ocs/chat-domain';
import type { PushNotice, SessionEventRecord } from '@ocs/contracts';
import { sender } from './live-delivery';

/** The `push` records of a change's notices, for the push-notifier: each notice with its event's sender when it carries one. */
export function pushRecords(session: ChatSession, pushes: readonly PushDecision[]): SessionEventRecord[] {
  return pushes.map((decision) => ({ type: 'push', sessionId: session.id, push: pushNotice(session, decision) }));
}

function pushNotice(session: ChatSession, decision: PushDecision): PushNotice {
  const { event, ...notice } = decision;
  return event ? { ...notice, payload: { event, from: sender(session, event) } } : notice;
}
