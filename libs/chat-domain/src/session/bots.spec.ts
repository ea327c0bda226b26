import { agent, bot, customer, errorCode, join, partyStyle, quitReason, startChat, supervisor } from '../test/helpers';
import type { NewPartyEvent } from '../types';

describe('bot participants', () => {
  it('an AGENT joining with GCTI_Chat_SetPartyStyle=BOT is a bot, marked in userData and eventAttributes of its newParty', () => {
    const { session } = startChat();
    const { participant, change } = session.join(bot('Botty', { userData: { GCTI_Chat_SetPartyStyle: 'BOT', Skill: 'billing' } }));
    expect(participant.isBot).toBe(true);
    const joined = change.events[0] as NewPartyEvent;
    expect(joined.kind).toBe('newParty');
    expect(joined.userData).toEqual({ GCTI_Chat_SetPartyStyle: 'BOT', Skill: 'billing', GCTI_Chat_PartyStyle: 'BOT' });
    expect(joined.eventAttributes).toEqual({ GCTI_SYSTEM: { 'party-info': { style: 'BOT' } } });
  });

  it('every event a bot produces carries GCTI_SYSTEM/party-info/style=BOT', () => {
    const { session, customer: c } = startChat();
    const b = join(session, bot());
    const produced = [
      ...session.message(b.userId, { text: 'Hello, I am a bot' }).events,
      ...session.message(b.userId, { text: 'pick one', eventAttributes: { 'structured-content': { 'genesys-chat': { content: '{}', type: 'QuickReplies' } } } })
        .events,
      ...session.notice(b.userId, { noticeType: 'TYPING_STARTED' }).events,
      ...session.notice(b.userId, { noticeType: 'USER_CUSTOM', text: 'x', eventAttributes: { GCTI_SYSTEM: { other: 'kept' } } }).events,
      ...session.leave(b.userId, 'KEEP_ALIVE').events,
    ];
    expect(produced).toHaveLength(5);
    for (const e of produced) expect(partyStyle(e)).toBe('BOT');
    // the bot marker is added beside the sender's own attributes, not instead of them
    expect(produced[1].eventAttributes).toEqual({
      'structured-content': { 'genesys-chat': { content: '{}', type: 'QuickReplies' } },
      GCTI_SYSTEM: { 'party-info': { style: 'BOT' } },
    });
    // only the server writes GCTI_SYSTEM: the bot's own GCTI_SYSTEM is dropped (input.ts)
    expect(produced[3].eventAttributes).toEqual({ GCTI_SYSTEM: { 'party-info': { style: 'BOT' } } });
    expect(quitReason(produced[4])).toBe('0');
    // the customer's own events are not marked
    expect(partyStyle(session.message(c.userId, { text: 'hi' }).events[0])).toBeUndefined();
  });

  it('a bot removed when the session closes is still marked on its partyLeft', () => {
    const { session } = startChat();
    const b = join(session, bot());
    const a = join(session, agent());
    const change = session.leave(a.userId, 'FORCE_CLOSE');
    const botLeft = change.events.find((e) => e.userId === b.userId);
    expect(botLeft && partyStyle(botLeft)).toBe('BOT');
    expect(botLeft && quitReason(botLeft)).toBe('4');
  });

  it('a SUPERVISOR may be a bot too', () => {
    const { session } = startChat();
    const s = join(session, supervisor('SupBot', 'INT', { userData: { GCTI_Chat_SetPartyStyle: 'BOT' } }));
    expect(s.isBot).toBe(true);
    expect(partyStyle(session.state.transcript[s.joinPosition])).toBe('BOT');
  });

  it('a CLIENT with GCTI_Chat_SetPartyStyle=BOT is not a bot', () => {
    const { session, customer: c } = startChat({ creator: customer({ userData: { GCTI_Chat_SetPartyStyle: 'BOT' } }) });
    expect(c.isBot).toBe(false);
    const joined = session.state.transcript[0];
    expect(joined.userData).toEqual({ GCTI_Chat_SetPartyStyle: 'BOT' });
    expect(joined.eventAttributes).toBeUndefined();
    join(session, agent());
    expect(session.message(c.userId, { text: 'hi' }).events[0].eventAttributes).toBeUndefined();
  });

  it('an agent without the key, or with another style, is not a bot', () => {
    const { session } = startChat();
    const plain = join(session, agent('Plain'));
    const other = join(session, agent('Other', { userData: { GCTI_Chat_SetPartyStyle: 'HUMAN' } }));
    expect(plain.isBot).toBe(false);
    expect(other.isBot).toBe(false);
    expect(session.state.transcript[other.joinPosition].userData).toEqual({ GCTI_Chat_SetPartyStyle: 'HUMAN' });
    expect(session.message(plain.userId, { text: 'x' }).events[0].eventAttributes).toBeUndefined();
  });

  describe('bots do not count as agents for CLOSE_IF_NO_AGENTS', () => {
    it('customer + bot + agent: the agent leaves with CLOSE_IF_NO_AGENTS and the session closes although the bot is there', () => {
      const { session, customer: c } = startChat();
      const b = join(session, bot());
      const a = join(session, agent());
      const change = session.leave(a.userId, 'CLOSE_IF_NO_AGENTS');
      expect(change.closed).toBe(true);
      expect(session.isClosed).toBe(true);
      expect(change.events.map((e) => e.userId)).toEqual([a.userId, c.userId, b.userId]);
      expect(session.participant(b.userId)?.present).toBe(false);
      expect(session.participant(c.userId)?.present).toBe(false);
    });

    it('customer + bot + agent: the bot leaves with CLOSE_IF_NO_AGENTS and the session goes on with the agent', () => {
      const { session } = startChat();
      const b = join(session, bot());
      const a = join(session, agent());
      expect(session.leave(b.userId, 'CLOSE_IF_NO_AGENTS').closed).toBe(false);
      expect(session.isClosed).toBe(false);
      expect(errorCode(() => session.message(a.userId, { text: 'still here' }))).toBe('NO ERROR');
    });

    it('customer + bot: the bot leaves with CLOSE_IF_NO_AGENTS and the session closes', () => {
      const { session, customer: c } = startChat();
      const b = join(session, bot());
      const change = session.leave(b.userId, 'CLOSE_IF_NO_AGENTS');
      expect(change.closed).toBe(true);
      expect(change.events.map((e) => e.userId)).toEqual([b.userId, c.userId]);
    });
  });
});
