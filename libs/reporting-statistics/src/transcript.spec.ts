import { DEFAULT_RULES } from '@ocs/chat-domain';
import { Script, agent, bot, finalOf, group, supervisor } from './test/scripted-session';

/** The guide's table "General transcript statistics". */

describe('general transcript statistics', () => {
  it('counts the messages the customer sees from agents and visible supervisors, and all the customer’s messages', () => {
    // Guide: an agent is an agent or a supervisor the customer sees; a coach or a silent monitor is not counted.
    const s = new Script();
    s.at(5);
    const a = s.join(agent('Ann'));
    const sup = s.join(supervisor('Sue', 'ALL'));
    const coach = s.join(supervisor('Cid', 'INT'));
    const monitor = s.join(supervisor('Max', 'VIP'));
    s.at(10).say(a, 'Hi there'); // 8
    s.say(sup, 'Hello'); // 5
    s.say(coach, 'be nice', 'INT');
    s.say(monitor, 'noted', 'VIP');
    s.say(a, 'psst', 'INT'); // seen by agents only
    s.say(a, 'for you', 'ALL', s.creator); // direct, to the customer: 7
    s.at(20).say(s.creator, 'héllo 👋'); // 7 characters: the emoji is one
    s.say(s.creator, 'a b'); // 3: spaces count
    s.at(30).leave(a, 'FORCE_CLOSE');
    expect(group(finalOf(s), 'csg_MessagesFrom')).toMatchObject({
      csg_MessagesFromAgentsCount: '3',
      csg_MessagesFromAgentsSize: '20',
      csg_MessagesFromCustomersCount: '2',
      csg_MessagesFromCustomersSize: '10',
    });
  });

  it('counts each party once per role, however often it joins', () => {
    // Guide: only unique parties count for the agent, coach and monitor counts.
    const s = new Script();
    for (const at of [5, 10]) {
      s.at(at);
      const a = s.join(agent('Ann'));
      const coach = s.join(supervisor('Cid', 'INT'));
      const monitor = s.join(supervisor('Max', 'VIP'));
      s.at(at + 1)
        .leave(a)
        .leave(coach)
        .leave(monitor);
    }
    s.at(20);
    const b = s.join(agent('Bob'));
    s.join(bot('Bot'));
    s.at(30).leave(b, 'FORCE_CLOSE');
    expect(group(finalOf(s), 'csg_PartiesAs')).toEqual({
      csg_PartiesAsAgentCount: '2', // Ann twice, Bob; the bot is no agent
      csg_PartiesAsCoachCount: '1',
      csg_PartiesAsMonitorCount: '1',
      csg_PartiesAsBotCount: '1',
    });
  });

  it('measures the session: total, until the first agent, until the first reply, with the customer', () => {
    // Guide: total from creation to closure; waiting until the first visible agent joined; until the first visible
    // agent message; the time the customer was in the session.
    const s = new Script();
    s.at(4);
    const coach = s.join(supervisor('Cid', 'INT'));
    s.at(6).say(coach, 'coming', 'INT'); // no reply: the customer does not see it
    s.at(12);
    const a = s.join(agent('Ann'));
    s.at(19).say(a, 'Hello');
    s.at(50).leave(s.creator);
    s.at(61).leave(coach);
    s.at(75).leave(a);
    expect(group(finalOf(s), 'csg_Session')).toMatchObject({
      csg_SessionTotalTime: '75',
      csg_SessionUntilFirstAgentTime: '12',
      csg_SessionUntilFirstReplyTime: '19',
      csg_SessionWithCustomerTime: '50',
    });
  });

  it('gives 0 until the first agent and reply when no agent ever came', () => {
    // Guide: 0 until the first agent with csg_PartiesAsAgentCount=0 means no agent joined.
    const s = new Script();
    s.at(40).leave(s.creator);
    expect(finalOf(s)).toMatchObject({ csg_SessionUntilFirstAgentTime: '0', csg_SessionUntilFirstReplyTime: '0', csg_PartiesAsAgentCount: '0' });
  });

  it('counts each period with at least one agent connected as one handle period', () => {
    // Guide: handle periods are the times at least one agent was connected: their count, total and longest.
    const s = new Script();
    s.at(10);
    const a = s.join(agent('Ann'));
    s.at(20);
    const b = s.join(agent('Bob')); // overlaps Ann: the same period
    s.at(30).leave(a);
    s.at(40).leave(b); // 10–40
    s.at(50);
    const c = s.join(agent('Cat'));
    s.at(55).leave(c); // 50–55
    s.at(60).leave(s.creator);
    expect(group(finalOf(s), 'cse_SessionHandle')).toEqual({
      cse_SessionHandleMaxTime: '30',
      cse_SessionHandleTotalCount: '2',
      cse_SessionHandleTotalTime: '35',
    });
  });

  it('counts the inactivity periods past the alert while an agent is connected, until activity or the close', () => {
    // Guide: active idle is time past the configured threshold with no activity while an agent is connected.
    const inactivity = { ...DEFAULT_RULES.inactivity, enabled: true, alertMs: 60_000, alert2Ms: 20_000, closeMs: 30_000 };
    const s = new Script({ rules: { inactivity } });
    s.at(10);
    s.join(agent('Ann')); // alert at 70, second alert at 90
    s.at(100).say(s.creator, 'still here'); // 70–100: one period despite two alerts
    s.at(210); // alert at 160, second at 180, close at 210: 160–210
    expect(group(finalOf(s), 'cse_ActiveIdle')).toEqual({
      cse_ActiveIdleMaxTime: '50',
      cse_ActiveIdleTotalCount: '2',
      cse_ActiveIdleTotalTime: '80',
    });
  });

  it('rounds times to whole seconds', () => {
    // Guide: times are in seconds; the fractions are rounded to the nearest second.
    const s = new Script();
    s.at(1.4);
    const a = s.join(agent('Ann'));
    s.at(2.6).leave(a, 'FORCE_CLOSE');
    expect(finalOf(s)).toMatchObject({ csg_SessionUntilFirstAgentTime: '1', csg_SessionTotalTime: '3', cse_SessionHandleTotalTime: '1' });
  });
});
