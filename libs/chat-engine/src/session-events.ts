import type { ChatSession, Change } from '@ocs/chat-domain';
import { TOPICS, type NodeCommandRecord, type SessionEventRecord } from '@ocs/contracts';
import type { BusRecord, EventBus, SessionMetrics } from '@ocs/ports';
import { countChange } from './session-metrics';
import { sender } from './live-delivery';
import { pushRecords } from './push-records';

/**
 * The stream of what happens in sessions, on the bus (`TOPICS.sessionEvents`, keyed by session id, so one session's
 * records stay in order): creation, every event appended, interaction property changes, the close, a purge, a
 * restoration, and the push notifications a change decided. Consumers (the interaction bridge, reporting, push) read it; each change is published before it is
 * acknowledged.
 */
export class SessionEvents {
  constructor(
    private readonly bus: EventBus,
    /** This node (cluster mode): named in `created` records. */
    private readonly nodeId?: string,
    /** Told of sessions created, restored and closed and of messages; none: nothing counted. */
    private readonly metrics?: SessionMetrics,
  ) {}

  created(session: ChatSession): Promise<void> {
    const { state } = session;
    const record: SessionEventRecord = {
      type: 'created',
      sessionId: session.id,
      at: state.createdAt,
      userData: state.userData,
      properties: session.interactionProperties(),
      ...(state.service ? { service: state.service } : {}),
      ...(state.password !== undefined ? { password: state.password } : {}),
      ...(this.nodeId !== undefined ? { nodeId: this.nodeId } : {}),
    };
    this.metrics?.created();
    return this.publish(session.id, [record]);
  }

  /** The records of one change: its events, the properties it changed, and its close (`closedAt`, and why when said). */
  changed(session: ChatSession, change: Change, closedAt: number, closing: { saveFailed?: true } = {}): Promise<void> {
    const { interactionId } = session.state;
    const about = interactionId ? { interactionId } : {};
    const senders = change.events.map((event) => sender(session, event));
    const records: SessionEventRecord[] = change.events.map((event, i) => ({ type: 'event', sessionId: session.id, event, from: senders[i] }));
    if (change.pushes) records.push(...pushRecords(session, change.pushes));
    if (change.properties) records.push({ type: 'properties', sessionId: session.id, properties: change.properties, ...about });
    if (change.closed) records.push({ type: 'closed', sessionId: session.id, at: closedAt, ...about, ...closing });
    if (this.metrics) countChange(this.metrics, session, change.events, senders, change.closed, closing.saveFailed === true);
    return this.publish(session.id, records);
  }

  purged(sessionId: string): Promise<void> {
    return this.publish(sessionId, [{ type: 'purged', sessionId }]);
  }

  /** The session was restored on `nodeId` after `previousNodeId` was lost. */
  restored(session: ChatSession, nodeId: string, previousNodeId: string): Promise<void> {
    const { interactionId } = session.state;
    const record: SessionEventRecord = {
      type: 'restored',
      sessionId: session.id,
      nodeId,
      previousNodeId,
      ...(interactionId ? { interactionId } : {}),
    };
    this.metrics?.restored();
    return this.publish(session.id, [record]);
  }

  /** Asks `nodeId` to drop its copy of a session node `by` restored (`session-restore-do-purge`). */
  requestPurge(sessionId: string, nodeId: string, by: string): Promise<void> {
    const command: NodeCommandRecord = { type: 'purge', sessionId, nodeId, by };
    return this.bus.publish([{ topic: TOPICS.nodeCommands, key: sessionId, value: command }]);
  }

  private publish(sessionId: string, records: SessionEventRecord[]): Promise<void> {
    return this.bus.publish(records.map((value): BusRecord<SessionEventRecord> => ({ topic: TOPICS.sessionEvents, key: sessionId, value })));
  }
}
