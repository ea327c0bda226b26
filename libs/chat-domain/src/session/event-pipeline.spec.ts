import { T0, agent, customer, join, startChat } from '../test/helpers';
import type { ChatEvent, MessageEvent } from '../types';
import { Command } from './command';
import { EventPipeline, SESSION_EVENTS, botStyle, type EventStep } from './event-pipeline';

const ACTOR = { nickname: 'Ann', isBot: false };
const INPUT = { kind: 'message', userId: 'U1', text: 'hi', visibility: 'ALL' } as const;

describe('the event pipeline', () => {
  it('runs its steps in order on the complete event, then records the event with what the steps added', () => {
    const { ctx, session } = startChat();
    const seen: string[] = [];
    const first: EventStep = (_command, event) => {
      seen.push(`first ${event.position}/${event.eventId}/${event.at}/${event.nickname}`);
      event.eventAttributes = { step: 'first' };
    };
    const second: EventStep = (_command, event) => {
      seen.push(`second saw ${JSON.stringify(event.eventAttributes)}`);
    };
    const command = new Command(session.state, ctx);
    const before = session.state.transcript.length;

    const event = new EventPipeline([first, second]).append<MessageEvent>(command, ACTOR, INPUT);

    expect(seen).toEqual([`first ${before}/${before + 1}/${T0}/Ann`, 'second saw {"step":"first"}']);
    expect(session.state.transcript[before]).toBe(event);
    expect(session.state.nextEventId).toBe(before + 2);
    expect(event).toMatchObject({ ...INPUT, eventAttributes: { step: 'first' } });
    expect(command.finish(false).events).toEqual([event]);
  });

  it('runs for every event a session appends: joins, messages, notices, departures and the server’s own notices', () => {
    const {
      ctx,
      session,
      customer: c,
    } = startChat({
      creator: customer({ userData: { GCTI_Chat_AsyncMode: 'true' } }),
      rules: { asyncIdleAlertMs: 1000, asyncIdleCloseMs: 1000 },
    });
    const appended: ChatEvent[] = [];
    const spy = jest.spyOn(SESSION_EVENTS, 'append').mockImplementation(function (this: EventPipeline, ...args) {
      const event = EventPipeline.prototype.append.apply(this, args);
      appended.push(event);
      return event;
    });
    try {
      const a = join(session, agent());
      session.message(c.userId, { text: 'hello' });
      session.notice(a.userId, { noticeType: 'TYPING_STARTED' });
      session.leave(a.userId, 'KEEP_ALIVE');
      ctx.clock.advance(1000);
      session.expire(); // the idle alert, a notice of the server
      ctx.clock.advance(1000);
      session.expire(); // the idle close and the customer removed
    } finally {
      spy.mockRestore();
    }
    const kinds = appended.map((e) => (e.kind === 'notice' ? e.noticeType : e.kind));
    expect(kinds).toEqual(['newParty', 'message', 'TYPING_STARTED', 'partyLeft', 'IDLE_CONTROL_ALERT', 'IDLE_CONTROL_CLOSE', 'partyLeft']);
    expect(session.state.transcript.slice(1)).toEqual(appended);
  });

  it('the bot style step leaves the events of other parties alone', () => {
    const { ctx, session } = startChat();
    const event = { ...INPUT, position: 0, eventId: 1, at: T0, nickname: 'Ann' } as ChatEvent;
    botStyle(new Command(session.state, ctx), event, ACTOR);
    expect(event.eventAttributes).toBeUndefined();
  });
});
