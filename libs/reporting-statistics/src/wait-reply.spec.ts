import { Script, agent, bot, finalOf, group, supervisor } from './test/scripted-session';

/** The guide's table of extended (wait-reply) statistics. */

const waitReply = (s: Script) => group(finalOf(s), 'cse_') as Record<string, string>;
const pick = (kv: Record<string, string>, prefix: string) => [`${prefix}MaxTime`, `${prefix}TotalCount`, `${prefix}TotalTime`].map((k) => Number(kv[k]));

describe('extended (wait-reply) statistics', () => {
  it('measures a reply from the first message of the other side’s run, and a wait from its last', () => {
    // Guide: wait runs from the reporting party's (last) message to the other party's first answer; reply from the
    // other party's (first) message to the reporting party's answer.
    const s = new Script();
    s.at(2);
    const a = s.join(agent('Ann'));
    s.at(10).say(s.creator, 'hi');
    s.at(14).say(s.creator, 'anyone?');
    s.at(20).say(a, 'yes'); // agent reply 10 (10→20), customer wait 6 (14→20)
    s.at(22).say(a, 'how can I help?');
    s.at(40).say(s.creator, 'my bill'); // customer reply 20 (20→40), agent wait 18 (22→40)
    s.at(45).say(a, 'checking'); // agent reply 5, customer wait 5
    s.at(60).leave(a, 'FORCE_CLOSE');
    const kv = waitReply(s);
    expect(pick(kv, 'cse_AgentReply')).toEqual([10, 2, 15]);
    expect(pick(kv, 'cse_CustomerWait')).toEqual([6, 2, 11]);
    expect(pick(kv, 'cse_CustomerReply')).toEqual([20, 1, 20]);
    expect(pick(kv, 'cse_AgentWait')).toEqual([18, 1, 18]);
  });

  it('leaves coaches, monitors and bots out of the dialogue', () => {
    // Guide: as in the general statistics, an agent is an agent or supervisor the customer sees.
    const s = new Script();
    s.at(2);
    const a = s.join(agent('Ann'));
    const coach = s.join(supervisor('Cid', 'INT'));
    const b = s.join(bot('Bot'));
    s.at(10).say(s.creator, 'hi');
    s.at(12).say(coach, 'answer quickly', 'INT');
    s.at(13).say(b, 'An agent will answer.');
    s.at(30).say(a, 'hello'); // the only reply: 20
    s.at(40).leave(a, 'FORCE_CLOSE');
    const kv = waitReply(s);
    expect(pick(kv, 'cse_AgentReply')).toEqual([20, 1, 20]);
    expect(pick(kv, 'cse_CustomerWait')).toEqual([20, 1, 20]);
    expect(pick(kv, 'cse_CustomerReply')).toEqual([0, 0, 0]);
  });

  it('counts no reply nor wait for a message left unanswered', () => {
    // Guide: a wait or a reply ends with the other party's answer: no answer, none counted.
    const s = new Script();
    s.at(2);
    const a = s.join(agent('Ann'));
    s.at(5).say(a, 'Hello');
    s.at(9).leave(a, 'FORCE_CLOSE');
    expect(pick(waitReply(s), 'cse_CustomerReply')).toEqual([0, 0, 0]);
    expect(pick(waitReply(s), 'cse_AgentWait')).toEqual([0, 0, 0]);
  });

  it('counts a regular chat’s first reply from the customer’s message, though no agent was there yet', () => {
    // The guide excludes time without an agent for async sessions only.
    const s = new Script();
    s.at(3).say(s.creator, 'hi');
    s.at(20);
    const a = s.join(agent('Ann'));
    s.at(25).say(a, 'hello');
    s.at(30).leave(a, 'FORCE_CLOSE');
    expect(pick(waitReply(s), 'cse_AgentReply')).toEqual([22, 1, 22]);
  });

  it('leaves dormant time out of an async session’s agent waits and replies, not out of the customer’s', () => {
    // Guide: for async sessions, an agent's wait leaves out the dormant time until the customer's reply, and an
    // agent's reply to a message received while dormant counts from the agent's rejoining.
    const s = new Script({ userData: { GCTI_Chat_AsyncMode: 'true' } });
    s.at(5);
    const a = s.join(agent('Ann'));
    s.at(10).say(a, 'Anything else?');
    s.at(15).leave(a); // dormant 15–1000
    s.at(1000).say(s.creator, 'yes, one thing');
    s.at(1010);
    const b = s.join(agent('Bob')); // no hold, no routing: dormant until Bob joins at 1010
    s.at(1030).say(b, 'go ahead');
    s.at(1040).leave(b, 'FORCE_CLOSE');
    const kv = waitReply(s);
    expect(pick(kv, 'cse_AgentWait')).toEqual([5, 1, 5]); // 10→1000, less 15→1000
    expect(pick(kv, 'cse_CustomerReply')).toEqual([990, 1, 990]); // 10→1000
    expect(pick(kv, 'cse_AgentReply')).toEqual([20, 1, 20]); // 1010→1030
    expect(pick(kv, 'cse_CustomerWait')).toEqual([30, 1, 30]); // 1000→1030
  });
});
