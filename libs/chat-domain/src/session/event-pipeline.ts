import { setKv } from '../kv';
import type { ChatEvent, KvList, NoticeEvent, NoticeType, Participant } from '../types';
import { trackAsync } from './async-status';
import type { Command } from './command';
import { trackInactivity } from './inactivity-tracking';
import { piiMasking } from './pii-masking';

/**
 * The event pipeline: every event a session appends is built here, goes through the steps in their order, and is
 * then recorded in the transcript and in the command's change. A step sees the event complete (position, id, time,
 * nickname) and may add to it. Steps that shape the event come first (the bot style, then PII masking), steps that
 * follow the session's activity after (async status and idle timing, inactivity control). A feature that must see or
 * change every event is one more step in `SESSION_EVENTS`.
 */

export type EventInput<E extends ChatEvent> = Omit<E, 'position' | 'eventId' | 'at' | 'nickname'>;
/** Who an event is by, as the pipeline needs it. */
export type EventActor = Pick<Participant, 'nickname' | 'isBot'>;
export type EventStep = (command: Command, event: ChatEvent, actor: EventActor) => void;

export class EventPipeline {
  constructor(private readonly steps: readonly EventStep[]) {}

  append<E extends ChatEvent>(command: Command, actor: EventActor, input: EventInput<E>): E {
    // Built by assignment, not as `{ ...input, position, … }`: V8 gives each object made by a spread followed by
    // new keys a hidden class of its own (hundreds of bytes per event held), where assignment shares them.
    const event = Object.assign({}, input) as E;
    event.position = command.state.transcript.length;
    event.eventId = command.state.nextEventId;
    event.at = command.ctx.clock.now();
    event.nickname = actor.nickname;
    for (const step of this.steps) step(command, event, actor);
    command.record(event);
    return event;
  }
}

const BOT_STYLE_PATH = ['GCTI_SYSTEM', 'party-info', 'style'] as const;

/** Every event a bot produces carries `GCTI_SYSTEM/party-info/style=BOT`, beside the sender's own attributes. */
export function botStyle(_command: Command, event: ChatEvent, actor: EventActor): void {
  if (actor.isBot) event.eventAttributes = setKv(event.eventAttributes ?? {}, BOT_STYLE_PATH, 'BOT');
}

/** The pipeline of every session (one for all: steps keep no state of their own). */
export const SESSION_EVENTS = new EventPipeline([botStyle, piiMasking, trackAsync, trackInactivity]);

/** Events the server itself produces (idle-control notices) carry this user id and the type SYSTEM. */
export const SYSTEM_USER_ID = '0000000000000000';
const SYSTEM_ACTOR: EventActor = { nickname: 'system', isBot: false };

/** A notice by the server itself, seen by everyone. */
export function appendSystemNotice(command: Command, noticeType: NoticeType, text: string, userData?: KvList): void {
  SESSION_EVENTS.append<NoticeEvent>(command, SYSTEM_ACTOR, {
    kind: 'notice',
    userId: SYSTEM_USER_ID,
    noticeType,
    text,
    visibility: 'ALL',
    ...(userData ? { userData } : {}),
  });
}
