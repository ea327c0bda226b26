/**
 * Scripted sessions for the calculator's specs: a real chat-domain session driven by hand on a manual clock, its
 * changes turned into the session-events records the engine publishes, and those records folded.
 */
import {
  ChatSession,
  DEFAULT_RULES,
  type AfterAction,
  type Change,
  type JoinRequest,
  type KvList,
  type Participant,
  type SessionRules,
  type Visibility,
} from '@ocs/chat-domain';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';
import type { SessionEventRecord } from '@ocs/contracts';
import { foldStatistics } from '../fold';
import type { StatisticsOptions, StatisticsState } from '../statistics-api';

export const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const DAY = 86_400_000;

export function customer(overrides: Partial<JoinRequest> = {}): JoinRequest {
  return { userType: 'CLIENT', protocol: 'FLEX', nickname: 'Customer', clientVersion: 106, ...overrides };
}

export function agent(nickname: string, overrides: Partial<JoinRequest> = {}): JoinRequest {
  return { userType: 'AGENT', protocol: 'BASIC', nickname, clientVersion: 106, personId: nickname, ...overrides };
}

export function supervisor(nickname: string, visibility: Visibility): JoinRequest {
  return { userType: 'SUPERVISOR', protocol: 'BASIC', nickname, visibility, clientVersion: 106, personId: nickname };
}

export function bot(nickname: string): JoinRequest {
  return agent(nickname, { userData: { GCTI_Chat_SetPartyStyle: 'BOT' } });
}

export interface ScriptOptions {
  userData?: KvList;
  rules?: Partial<SessionRules>;
  creator?: JoinRequest;
}

/** A session created at T0 by a customer (or `creator`); every command's change is kept as records. */
export class Script {
  readonly clock = new ManualClock(T0);
  readonly records: SessionEventRecord[] = [];
  readonly session: ChatSession;
  readonly creator: Participant;

  constructor(options: ScriptOptions = {}) {
    // Customers make no protocol requests here: their liveness timeout is out of the way unless a spec sets it.
    const rules = { ...DEFAULT_RULES, flexDisconnectTimeoutMs: 30 * DAY, ...options.rules };
    const ctx = { clock: this.clock, ids: new SequentialIds(), rules };
    const { session, creator, change } = ChatSession.create(ctx, {
      id: 'session-1',
      creator: options.creator ?? customer(),
      ...(options.userData ? { userData: options.userData } : {}),
      service: { name: 'chat', tenantDbid: 101, endpoint: 'Environment:default' },
    });
    this.session = session;
    this.creator = creator;
    const { state } = session;
    const created = { sessionId: session.id, at: state.createdAt, userData: state.userData, properties: change.properties ?? {} };
    this.records.push({ type: 'created', ...created, ...(state.service ? { service: state.service } : {}) });
    this.publish(change);
  }

  /** Moves the clock to `seconds` after T0, running each timer that falls due on the way at its own time. */
  at(seconds: number): this {
    const target = T0 + seconds * 1000;
    for (let due = this.session.nextDeadline(); due !== undefined && due <= target;) {
      this.clock.set(Math.max(due, this.clock.now()));
      this.publish(this.session.expire());
      const next = this.session.nextDeadline();
      due = next !== undefined && next > due ? next : undefined;
    }
    this.clock.set(target);
    return this;
  }

  join(request: JoinRequest): Participant {
    const { participant, change } = this.session.join(request);
    this.publish(change);
    return participant;
  }

  say(party: Participant, text: string, visibility: Visibility = 'ALL', receiver?: Participant): this {
    return this.publish(this.session.message(party.userId, { text, visibility, ...(receiver ? { receiverId: receiver.userId } : {}) }));
  }

  leave(party: Participant, afterAction: AfterAction = 'KEEP_ALIVE', transferred = false): this {
    return this.publish(this.session.leave(party.userId, afterAction, transferred ? { transferred } : {}));
  }

  disconnect(party: Participant): this {
    return this.publish(this.session.removeBySystem(party.userId, '3'));
  }

  placeOnHold(): this {
    return this.publish(this.session.placeOnHold());
  }

  /** The workflow closes the session (ESP `CloseSession`). */
  closeByWorkflow(): this {
    return this.publish(this.session.closeSession(false));
  }

  restored(): this {
    this.records.push({ type: 'restored', sessionId: this.session.id, nodeId: 'node-b', previousNodeId: 'node-a' });
    return this;
  }

  /** The records the engine publishes for `change`: its events, the properties it changed, its close. */
  publish(change: Change): this {
    const { session } = this;
    const target = this.records;
    for (const event of change.events) {
      const party = session.participant(event.userId);
      const from = {
        userId: event.userId,
        nickname: event.nickname,
        userType: party?.userType ?? 'SYSTEM',
        partyNumber: party?.partyNumber ?? 0,
        isBot: party?.isBot ?? false,
      };
      target.push({ type: 'event', sessionId: session.id, event, from });
    }
    if (change.properties) target.push({ type: 'properties', sessionId: session.id, properties: change.properties });
    if (change.closed) target.push({ type: 'closed', sessionId: session.id, at: this.clock.now() });
    return this;
  }
}

export interface Folded {
  /** What was attached, with the index of the record that gave it. */
  attached: { index: number; keyValues: Record<string, string> }[];
  /** The final set (the last attach at the close), if the session closed. */
  final?: Record<string, string>;
  /** The state after each record. */
  states: (StatisticsState | undefined)[];
}

export const ALL: StatisticsOptions = { attachSessionStatistics: 'all' };

/** Folds `records` in order, each state passed through a JSON round trip first, as a checkpoint would be. */
export function fold(records: readonly SessionEventRecord[], options: StatisticsOptions = ALL): Folded {
  const out: Folded = { attached: [], states: [] };
  let state: StatisticsState | undefined;
  records.forEach((record, index) => {
    const outcome = foldStatistics(state === undefined ? undefined : JSON.parse(JSON.stringify(state)), record, options);
    state = outcome.state;
    out.states.push(state);
    if (outcome.attach) out.attached.push({ index, keyValues: outcome.attach });
    if (record.type === 'closed') out.final = outcome.attach;
  });
  return out;
}

/** The final set of a scripted session that closed. */
export function finalOf(script: Script, options: StatisticsOptions = ALL): Record<string, string> {
  const { final } = fold(script.records, options);
  if (!final) throw new Error('the session did not close');
  return final;
}

/** The keys of `keyValues` that start with `prefix`, for a spec that looks at one group. */
export function group(keyValues: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(keyValues).filter(([key]) => key.startsWith(prefix)));
}
