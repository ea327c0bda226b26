import { ALL, Script, agent, bot, fold, supervisor } from './test/scripted-session';
import type { StatisticsOptions } from './statistics-api';

/**
 * Whole sessions, scripted on the chat domain, whose every key-value is worked out by hand below (times in seconds
 * after 09:00:00 on 2026-01-01).
 */

/**
 * A regular chat: a bot greets, an agent takes over, a coach and a monitor join, the agent transfers to a second
 * agent, the customer leaves, and the second agent closes the session.
 */
function regularChat(): Script {
  const s = new Script({ userData: { GCTI_LanguageName: 'English', MediaOrigin: 'web' } });
  const c = s.creator;
  s.at(2);
  const b = s.join(bot('Bot'));
  s.at(3).say(b, 'Hello, how can I help?'); // 22 characters
  s.at(5).say(c, 'I need a refund'); // 15
  s.at(6).leave(b);
  s.at(20);
  const a1 = s.join(agent('Ann'));
  s.at(25).say(a1, 'Hi, I am Ann.'); // 13
  s.at(30);
  const coach = s.join(supervisor('Sue', 'INT'));
  s.at(31).say(coach, 'offer 10%', 'INT'); // not for the customer: not counted
  s.at(40).say(c, 'ok'); // 2
  s.at(45).say(c, 'thanks'); // 6
  s.at(50);
  s.join(supervisor('Max', 'VIP'));
  s.at(55).leave(a1);
  s.at(60);
  const a2 = s.join(agent('Bob'));
  s.at(70).say(a2, 'Refund done.'); // 12
  s.at(72).leave(coach);
  s.at(73);
  s.join(supervisor('Sue', 'INT')); // the same coach again
  s.at(80).leave(c);
  s.at(90).leave(a2, 'FORCE_CLOSE');
  return s;
}

/**
 * An async chat: an agent answers and places it on hold; it lies dormant until the idle alert; the customer
 * writes, a second agent answers and leaves without hold; the async idle control alerts and closes it.
 */
function asyncChat(): Script {
  const s = new Script({ userData: { GCTI_Chat_AsyncMode: 'true' }, rules: { asyncIdleAlertMs: 100_000, asyncIdleCloseMs: 50_000 } });
  const c = s.creator;
  s.at(10);
  const a1 = s.join(agent('Ann'));
  s.at(20).say(c, 'hello'); // 5
  s.at(30).say(a1, 'hi'); // 2
  s.at(40).placeOnHold();
  s.at(45).leave(a1); // dormant from here
  s.at(145); // idle alert: 100 s after the leave
  s.at(170).say(c, 'any news?'); // 9; status 2: routed again
  s.at(200);
  const a2 = s.join(agent('Bob'));
  s.at(210).say(a2, 'back'); // 4
  s.at(220).leave(a2); // dormant again
  s.at(320); // idle alert
  s.at(370); // idle close
  return s;
}

/** A customer who writes once and is gone before any agent comes. */
function abandonedChat(): Script {
  const s = new Script();
  s.at(5).say(s.creator, 'hello?'); // 6
  s.at(60).disconnect(s.creator);
  return s;
}

describe('scripted sessions, every value worked out by hand', () => {
  it('a regular chat with a bot, a transfer, a coach and a monitor', () => {
    expect(fold(regularChat().records).final).toEqual({
      ChatServerSessionStartedAt: '2026-01-01T09:00:00Z',
      ChatServerSessionClosedAt: '2026-01-01T09:01:30Z',
      csg_ChatSessionID: 'session-1',
      csg_LanguageName: 'English',
      csg_MediaOrigin: 'web',
      csg_MediaType: 'chat',
      csg_TenantId: '101',
      csg_ChatAsyncMode: '0',
      // The customer left before the agent closed the session, which an agent was still in.
      csg_SessionEndedBy: 'CLIENT',
      csg_SessionEndedReason: 'QUIT',
      csg_SessionEndedAgent: 'PRESENT',
      csg_MessagesFromAgentsCount: '2', // 25 and 70 s; the coach's INT message is not seen by the customer
      csg_MessagesFromAgentsSize: '25', // 13 + 12
      csg_MessagesFromCustomersCount: '3',
      csg_MessagesFromCustomersSize: '23', // 15 + 2 + 6
      csg_MessagesFromBotsCount: '1',
      csg_MessagesFromBotsSize: '22',
      csg_PartiesAsAgentCount: '2',
      csg_PartiesAsCoachCount: '1', // Sue twice
      csg_PartiesAsMonitorCount: '1',
      csg_PartiesAsBotCount: '1',
      csg_SessionTotalTime: '90',
      csg_SessionUntilFirstAgentTime: '20',
      csg_SessionUntilFirstReplyTime: '25',
      csg_SessionWithCustomerTime: '80',
      csg_SessionUntilFirstBotTime: '2',
      cse_ActiveIdleMaxTime: '0',
      cse_ActiveIdleTotalCount: '0',
      cse_ActiveIdleTotalTime: '0',
      cse_SessionHandleMaxTime: '35', // 20–55, then 60–90
      cse_SessionHandleTotalCount: '2',
      cse_SessionHandleTotalTime: '65',
      cse_AgentReplyMaxTime: '30', // 5→25 (20), 40→70 (30)
      cse_AgentReplyTotalCount: '2',
      cse_AgentReplyTotalTime: '50',
      cse_CustomerWaitMaxTime: '25', // 5→25 (20), 45→70 (25)
      cse_CustomerWaitTotalCount: '2',
      cse_CustomerWaitTotalTime: '45',
      cse_CustomerReplyMaxTime: '15', // 25→40
      cse_CustomerReplyTotalCount: '1',
      cse_CustomerReplyTotalTime: '15',
      cse_AgentWaitMaxTime: '15', // 25→40
      cse_AgentWaitTotalCount: '1',
      cse_AgentWaitTotalTime: '15',
    });
  });

  it('an async chat with dormant and idle periods, and its intermediate updates', () => {
    const options: StatisticsOptions = { attachSessionStatistics: 'all', attachStatsRepEvents: ['dormant', 'active', 'idle'], attachStatsRepPlace: 'async' };
    const { attached, final } = fold(asyncChat().records, options);
    const head = { ChatServerSessionStartedAt: '2026-01-01T09:00:00Z', csg_ChatSessionID: 'session-1', csg_ChatAsyncMode: '1' };
    const async = (dormant: [number, number, number], idle: [number, number, number]) => ({
      ...head,
      cse_AsyncDormantMaxTime: String(dormant[0]),
      cse_AsyncDormantTotalCount: String(dormant[1]),
      cse_AsyncDormantTotalTime: String(dormant[2]),
      cse_AsyncIdleMaxTime: String(idle[0]),
      cse_AsyncIdleTotalCount: String(idle[1]),
      cse_AsyncIdleTotalTime: String(idle[2]),
    });
    expect(attached.slice(0, -1).map((a) => a.keyValues)).toEqual([
      async([0, 0, 0], [0, 0, 0]), // 45: dormant from now
      async([100, 1, 100], [0, 0, 0]), // 145: idle; dormant 45–145 so far
      async([125, 1, 125], [25, 1, 25]), // 200: an agent again; dormant 45–170, idle 145–170
      async([125, 1, 125], [25, 1, 25]), // 220: dormant from now
      async([125, 2, 225], [25, 1, 25]), // 320: idle; dormant 220–320 so far
    ]);
    expect(final).toEqual({
      ...async([150, 2, 275], [50, 2, 75]), // dormant 45–170 and 220–370; idle 145–170 and 320–370
      ChatServerSessionClosedAt: '2026-01-01T09:06:10Z',
      csg_MediaType: 'chat',
      csg_TenantId: '101',
      csg_SessionEndedBy: 'SYSTEM', // async inactivity control closed it
      csg_SessionEndedReason: 'INACTIVE',
      csg_SessionEndedAgent: 'VISITED',
      csg_MessagesFromAgentsCount: '2',
      csg_MessagesFromAgentsSize: '6',
      csg_MessagesFromCustomersCount: '2',
      csg_MessagesFromCustomersSize: '14',
      csg_MessagesFromBotsCount: '0',
      csg_MessagesFromBotsSize: '0',
      csg_PartiesAsAgentCount: '2',
      csg_PartiesAsCoachCount: '0',
      csg_PartiesAsMonitorCount: '0',
      csg_PartiesAsBotCount: '0',
      csg_SessionTotalTime: '370',
      csg_SessionUntilFirstAgentTime: '10',
      csg_SessionUntilFirstReplyTime: '30',
      csg_SessionWithCustomerTime: '370',
      csg_SessionUntilFirstBotTime: '0',
      cse_ActiveIdleMaxTime: '0',
      cse_ActiveIdleTotalCount: '0',
      cse_ActiveIdleTotalTime: '0',
      cse_SessionHandleMaxTime: '35', // 10–45, 200–220
      cse_SessionHandleTotalCount: '2',
      cse_SessionHandleTotalTime: '55',
      cse_AgentReplyMaxTime: '10', // 20→30; then from Bob's joining at 200 to 210, not from 170
      cse_AgentReplyTotalCount: '2',
      cse_AgentReplyTotalTime: '20',
      cse_CustomerWaitMaxTime: '40', // 20→30 (10), 170→210 (40)
      cse_CustomerWaitTotalCount: '2',
      cse_CustomerWaitTotalTime: '50',
      cse_CustomerReplyMaxTime: '140', // 30→170
      cse_CustomerReplyTotalCount: '1',
      cse_CustomerReplyTotalTime: '140',
      cse_AgentWaitMaxTime: '15', // 30→170 less the dormant 45–170
      cse_AgentWaitTotalCount: '1',
      cse_AgentWaitTotalTime: '15',
    });
  });

  it('an abandoned chat, under each value of attach-session-statistics', () => {
    const { records } = abandonedChat();
    const always = {
      ChatServerSessionStartedAt: '2026-01-01T09:00:00Z',
      ChatServerSessionClosedAt: '2026-01-01T09:01:00Z',
      csg_MediaType: 'chat',
      csg_TenantId: '101',
    };
    expect(fold(records, { attachSessionStatistics: 'none' }).final).toEqual(always);
    // fired: the statistics that stayed at zero are left out.
    expect(fold(records, { attachSessionStatistics: 'fired' }).final).toEqual({
      ...always,
      csg_ChatSessionID: 'session-1',
      csg_ChatAsyncMode: '0',
      csg_SessionEndedBy: 'CLIENT',
      csg_SessionEndedReason: 'DISCONNECT',
      csg_SessionEndedAgent: 'ABSENT',
      csg_MessagesFromCustomersCount: '1',
      csg_MessagesFromCustomersSize: '6',
      csg_SessionTotalTime: '60',
      csg_SessionWithCustomerTime: '60',
    });
    const all = fold(records, ALL).final ?? {};
    // 4 always, 2 descriptions (no language, no origin), 3 end reasons, 33 statistics (no async ones).
    expect(Object.keys(all)).toHaveLength(4 + 2 + 3 + 33);
    expect(all.cse_CustomerWaitTotalCount).toBe('0');
  });

  it('gives the same output for a replayed sequence, and a state that survives a JSON round trip at every step', () => {
    // The attacher replays records after a restart and checkpoints the state as JSON: neither may change a value.
    for (const script of [regularChat(), asyncChat(), abandonedChat()]) {
      const options: StatisticsOptions = { attachSessionStatistics: 'fired', attachStatsRepEvents: ['dormant', 'idle'], attachStatsRepPlace: 'all' };
      const first = fold(script.records, options);
      const again = fold(script.records, options);
      expect(again).toEqual(first);
      for (const state of first.states) expect(JSON.parse(JSON.stringify(state ?? null))).toEqual(state ?? null);
      expect(first.states[first.states.length - 1]).toBeUndefined();
    }
  });

  it('gives nothing for a session whose creation it did not see', () => {
    // Without the creation there is no start time, which Info Mart requires: nothing is attached.
    const folded = fold(regularChat().records.slice(1));
    expect(folded.attached).toEqual([]);
    expect(folded.states.every((state) => state === undefined)).toBe(true);
  });

  it('gives nothing for a purged session, and forgets it', () => {
    // A purged session is forgotten without closing actions: nothing is attached.
    const { records } = regularChat();
    const cut = records.slice(0, 10);
    const folded = fold([...cut, { type: 'purged', sessionId: 'session-1' }, ...records.slice(10)]);
    expect(folded.attached).toEqual([]);
    expect(folded.final).toBeUndefined();
    expect(folded.states.slice(10).every((state) => state === undefined)).toBe(true);
  });
});
