/**
 * Shared fixtures for the chat-domain unit tests. Exported neither from the domain's index nor from its test entry
 * point (test/index.ts), and kept under `test/` so the production build (tsconfig.build.json) leaves it out. Pure
 * helpers: no jest globals here.
 */
import { ManualClock, SequentialIds } from './clock';
import { ChatError, type ChatErrorCode } from '../errors';
import { getKv } from '../kv';
import { DEFAULT_RULES, type SessionRules } from '../rules';
import { ChatSession, type JoinRequest, type SessionContext } from '../session';
import type { ChatEvent, KvList, Participant } from '../types';

export const T0 = Date.UTC(2026, 0, 1);

export interface TestContext extends SessionContext {
  clock: ManualClock;
  ids: SequentialIds;
}

export function makeContext(rules: Partial<SessionRules> = {}): TestContext {
  return { clock: new ManualClock(T0), ids: new SequentialIds(), rules: { ...DEFAULT_RULES, ...rules } };
}

export function customer(overrides: Partial<JoinRequest> = {}): JoinRequest {
  return { userType: 'CLIENT', protocol: 'FLEX', nickname: 'Customer', clientVersion: 106, ...overrides };
}

export function agent(nickname = 'Agent', overrides: Partial<JoinRequest> = {}): JoinRequest {
  return { userType: 'AGENT', protocol: 'BASIC', nickname, clientVersion: 106, ...overrides };
}

export function supervisor(nickname: string, visibility: 'ALL' | 'INT' | 'VIP', overrides: Partial<JoinRequest> = {}): JoinRequest {
  return { userType: 'SUPERVISOR', protocol: 'BASIC', nickname, visibility, clientVersion: 106, ...overrides };
}

export function bot(nickname = 'Bot', overrides: Partial<JoinRequest> = {}): JoinRequest {
  return agent(nickname, { userData: { GCTI_Chat_SetPartyStyle: 'BOT' }, ...overrides });
}

export interface Chat {
  ctx: TestContext;
  session: ChatSession;
  customer: Participant;
}

/** A session created by a customer (FLEX, CLIENT) at T0. */
export function startChat(options: { rules?: Partial<SessionRules>; creator?: JoinRequest; userData?: KvList } = {}): Chat {
  const ctx = makeContext(options.rules);
  const { session, creator } = ChatSession.create(ctx, {
    id: ctx.ids.sessionId(),
    creator: options.creator ?? customer(),
    ...(options.userData ? { userData: options.userData } : {}),
  });
  return { ctx, session, customer: creator };
}

/** Joins a party and returns it. */
export function join(session: ChatSession, request: JoinRequest): Participant {
  return session.join(request).participant;
}

/** The ChatError code `fn` throws, or a marker string when it throws nothing or something else. */
export function errorCode(fn: () => unknown): ChatErrorCode | 'NO ERROR' | 'NOT A CHAT ERROR' {
  try {
    fn();
  } catch (e) {
    return e instanceof ChatError ? e.code : 'NOT A CHAT ERROR';
  }
  return 'NO ERROR';
}

/** The eventIds of `events`, a compact way to compare what a viewer sees. */
export function ids(events: readonly ChatEvent[]): number[] {
  return events.map((e) => e.eventId);
}

export function quitReason(event: ChatEvent): string | KvList | undefined {
  return getKv(event.eventAttributes, ['GCTI_SYSTEM', 'quit-reason-code']);
}

export function partyStyle(event: ChatEvent): string | KvList | undefined {
  return getKv(event.eventAttributes, ['GCTI_SYSTEM', 'party-info', 'style']);
}

export function last(session: ChatSession): ChatEvent {
  const transcript = session.state.transcript;
  return transcript[transcript.length - 1];
}
