import type { StatisticsOptions } from './statistics-api';
import { ALL, Script, agent, finalOf, fold, group } from './test/scripted-session';

/** The guide's table "Async chat session statistics", and the intermediate updates of async sessions. */

const ASYNC = { userData: { GCTI_Chat_AsyncMode: 'true' } };
const dormant = (s: Script) => group(finalOf(s), 'cse_AsyncDormant');
const idle = (s: Script) => group(finalOf(s), 'cse_AsyncIdle');
const periods = (prefix: string, max: number, count: number, total: number) => ({
  [`${prefix}MaxTime`]: String(max),
  [`${prefix}TotalCount`]: String(count),
  [`${prefix}TotalTime`]: String(total),
});

describe('async chat session statistics', () => {
  it('gives no async statistics for a regular session', () => {
    // Guide: async statistics are given only for sessions created with GCTI_Chat_AsyncMode=true.
    const s = new Script();
    s.at(10).leave(s.creator);
    expect(Object.keys(finalOf(s)).filter((k) => k.startsWith('cse_Async'))).toEqual([]);
  });

  it('counts each time the session had no agent after one left, until an agent joins or the close', () => {
    // Guide: dormant is the time a customer's session spent with no agent; routing time is not dormant.
    const s = new Script(ASYNC);
    s.at(10);
    const a = s.join(agent('Ann')); // 0–10 waits for the first agent: routing, not dormant
    s.at(20).leave(a); // dormant 20–50
    s.at(50);
    const b = s.join(agent('Bob'));
    s.at(60).leave(b); // dormant 60–160, to the close
    s.at(160).leave(s.creator);
    expect(dormant(s)).toEqual(periods('cse_AsyncDormant', 100, 2, 130));
  });

  it('ends a dormant period when the customer’s reply to a held session sends it to routing', () => {
    // Guide: routing time is excluded from dormant time.
    const s = new Script(ASYNC);
    s.at(10);
    const a = s.join(agent('Ann'));
    s.at(20).placeOnHold();
    s.at(25).leave(a); // dormant 25–100
    s.at(100).say(s.creator, 'hello again'); // status 2: routed
    s.at(130);
    const b = s.join(agent('Bob'));
    s.at(140).leave(b, 'FORCE_CLOSE');
    expect(dormant(s)).toEqual(periods('cse_AsyncDormant', 75, 1, 75));
  });

  it('counts no dormant period for a transfer to a queue or an agent’s dropped connection: both are routed', () => {
    // Guide: routing time is not dormant time; statuses 5 (transfer to a queue) and 4 (dropped agent) send it to routing.
    const transfer = new Script(ASYNC);
    transfer.at(10);
    transfer.at(20).leave(transfer.join(agent('Ann')), 'KEEP_ALIVE', true); // status 5
    transfer.at(90);
    transfer.at(95).leave(transfer.join(agent('Bob')), 'FORCE_CLOSE');
    expect(dormant(transfer)).toEqual(periods('cse_AsyncDormant', 0, 0, 0));

    const dropped = new Script(ASYNC);
    dropped.at(10);
    dropped.at(20).disconnect(dropped.join(agent('Ann'))); // status 4
    dropped.at(90);
    dropped.at(95).leave(dropped.join(agent('Bob')), 'FORCE_CLOSE');
    expect(dormant(dropped)).toEqual(periods('cse_AsyncDormant', 0, 0, 0));
  });

  it('counts no dormant period for the agent’s leave that closes the session', () => {
    // Guide: dormant is a customer's session left without an agent; a session that closes is not left waiting.
    const s = new Script(ASYNC);
    s.at(10);
    const a = s.join(agent('Ann'));
    s.at(20).leave(s.creator);
    s.at(30).leave(a);
    expect(dormant(s)).toEqual(periods('cse_AsyncDormant', 0, 0, 0));
    // Nor an intermediate update: the one set attached is the final one.
    const options: StatisticsOptions = { ...ALL, attachStatsRepEvents: ['dormant'], attachStatsRepPlace: 'all' };
    expect(fold(s.records, options).attached.map(({ index }) => s.records[index].type)).toEqual(['closed']);
  });

  it('counts the async idle periods of a dormant session, from the alert to the next activity or the close', () => {
    // Guide: async idle is the time past the configured threshold, with no activity, while the session is dormant.
    const s = new Script({ ...ASYNC, rules: { asyncIdleAlertMs: 60_000, asyncIdleCloseMs: 40_000 } });
    s.at(10);
    const a = s.join(agent('Ann'));
    s.at(20).leave(a); // alert at 80
    s.at(90).say(s.creator, 'ping'); // idle 80–90; alert again at 150, close at 190
    s.at(190);
    expect(idle(s)).toEqual(periods('cse_AsyncIdle', 40, 2, 50));
    expect(finalOf(s)).toMatchObject({ csg_SessionEndedBy: 'SYSTEM', csg_SessionEndedReason: 'INACTIVE' });
  });

  it('counts an async alert while an agent is connected as active idle time, not async idle', () => {
    // Guide: active idle is idle time with an agent connected; async idle is idle time while dormant (no agent).
    const s = new Script({ ...ASYNC, rules: { asyncIdleAlertMs: 60_000 } });
    s.at(10);
    const a = s.join(agent('Ann')); // alert at 70
    s.at(75).say(a, 'still there?');
    s.at(80).leave(a, 'FORCE_CLOSE');
    expect(idle(s)).toEqual(periods('cse_AsyncIdle', 0, 0, 0));
    expect(group(finalOf(s), 'cse_ActiveIdle')).toEqual(periods('cse_ActiveIdle', 5, 1, 5));
  });
});

describe('intermediate updates of async sessions', () => {
  function heldSession(): Script {
    const s = new Script({ ...ASYNC, rules: { asyncIdleAlertMs: 60_000, asyncIdleCloseMs: 600_000 } });
    s.at(10);
    const a = s.join(agent('Ann'));
    s.at(20).placeOnHold();
    s.at(30).leave(a); // dormant: update
    s.at(90); // async idle alert: update
    s.at(100);
    const b = s.join(agent('Bob')); // active again: update
    s.at(120).leave(b, 'FORCE_CLOSE');
    return s;
  }
  const updates = (s: Script, options: StatisticsOptions) => fold(s.records, options).attached.slice(0, -1);

  it('sends none unless both attach-stats-rep-events and attach-stats-rep-place ask for them', () => {
    // Guide: intermediate updates need a value in both attach-stats-rep-events and attach-stats-rep-place.
    expect(updates(heldSession(), ALL)).toEqual([]);
    expect(updates(heldSession(), { ...ALL, attachStatsRepEvents: ['dormant', 'active', 'idle'] })).toEqual([]);
    expect(updates(heldSession(), { ...ALL, attachStatsRepPlace: 'all' })).toEqual([]);
    expect(updates(heldSession(), { attachSessionStatistics: 'none', attachStatsRepEvents: ['dormant'], attachStatsRepPlace: 'all' })).toEqual([]);
  });

  it('sends one at each async moment named, with the keys the place names, values so far', () => {
    // The guide does not describe the options' values: `dormant`, `active`, `idle` and `async` are this server's.
    const s = heldSession();
    const options: StatisticsOptions = { ...ALL, attachStatsRepEvents: ['dormant', 'active'], attachStatsRepPlace: 'async' };
    const sent = updates(s, options);
    const kinds = sent.map(({ index }) => s.records[index]);
    expect(kinds.map((r) => (r.type === 'event' ? r.event.kind : r.type))).toEqual(['partyLeft', 'newParty']);
    expect(sent[1].keyValues).toEqual({
      ChatServerSessionStartedAt: '2026-01-01T09:00:00Z',
      csg_ChatSessionID: 'session-1',
      csg_ChatAsyncMode: '1',
      ...periods('cse_AsyncDormant', 70, 1, 70), // 30–100
      ...periods('cse_AsyncIdle', 10, 1, 10), // 90–100
    });
  });

  it('with the place all, sends every key of the final set but the closure’s, as of the update', () => {
    // Our reading: an update is the final set as it stands, without the closure time and the end reasons.
    const s = heldSession();
    const [idleUpdate] = updates(s, { attachSessionStatistics: 'fired', attachStatsRepEvents: ['idle'], attachStatsRepPlace: 'all' });
    expect(idleUpdate.keyValues).toEqual({
      ChatServerSessionStartedAt: '2026-01-01T09:00:00Z',
      csg_MediaType: 'chat',
      csg_TenantId: '101',
      csg_ChatSessionID: 'session-1',
      csg_ChatAsyncMode: '1',
      csg_PartiesAsAgentCount: '1',
      csg_SessionTotalTime: '90',
      csg_SessionUntilFirstAgentTime: '10',
      csg_SessionWithCustomerTime: '90',
      ...periods('cse_SessionHandle', 20, 1, 20),
      ...periods('cse_AsyncDormant', 60, 1, 60), // 30–90 so far
    });
  });

  it('sends none for an agent’s dropped connection, and one without dormant time for a transfer to a queue', () => {
    // Our reading: a dropped agent is routed at once (status 4); a transfer's status 5 comes only after the leave.
    const options: StatisticsOptions = { ...ALL, attachStatsRepEvents: ['dormant'], attachStatsRepPlace: 'async' };
    const dropped = new Script(ASYNC);
    dropped.at(10);
    dropped.at(20).disconnect(dropped.join(agent('Ann')));
    dropped.at(30).leave(dropped.creator);
    expect(updates(dropped, options)).toEqual([]);
    const transfer = new Script(ASYNC);
    transfer.at(10);
    transfer.at(20).leave(transfer.join(agent('Ann')), 'KEEP_ALIVE', true);
    transfer.at(30).leave(transfer.creator);
    expect(updates(transfer, options).map((u) => u.keyValues.cse_AsyncDormantTotalCount)).toEqual(['0']);
  });

  it('sends none for a regular session', () => {
    // Guide: the intermediate updates are for async chat sessions.
    const s = new Script();
    s.at(10);
    const a = s.join(agent('Ann'));
    s.at(20).leave(a);
    s.at(30).leave(s.creator);
    expect(updates(s, { ...ALL, attachStatsRepEvents: ['dormant', 'active', 'idle'], attachStatsRepPlace: 'all' })).toEqual([]);
  });
});
