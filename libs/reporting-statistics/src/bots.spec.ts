import { DEFAULT_RULES } from '@ocs/chat-domain';
import { Script, agent, bot, finalOf, group } from './test/scripted-session';

/** The guide's bot-related statistics (deployments with a bot gateway). */

describe('bot-related statistics', () => {
  it('counts the bots, their messages the customer sees, and the wait for the first bot', () => {
    // Guide: with a bot gateway, the bots' messages (count, size), unique bots and the time until the first bot.
    const s = new Script();
    s.at(3);
    const b = s.join(bot('Bot'));
    s.at(4).say(b, 'Hi! I am a bot.'); // 15
    s.say(b, 'internal note', 'INT'); // not seen by the customer
    s.at(6).leave(b);
    s.at(8);
    const again = s.join(bot('Bot')); // the same bot: one party
    s.at(9).say(again, 'Bye'); // 3
    s.at(10).leave(again, 'FORCE_CLOSE');
    expect(finalOf(s)).toMatchObject({
      csg_MessagesFromBotsCount: '2',
      csg_MessagesFromBotsSize: '18',
      csg_PartiesAsBotCount: '1',
      csg_SessionUntilFirstBotTime: '3',
    });
  });

  it('keeps bots out of the agent statistics', () => {
    // Guide: bots are not agents for the end reason (csg_SessionEndedAgent) and inactivity control.
    const s = new Script();
    s.at(3);
    const b = s.join(bot('Bot'));
    s.at(5).say(s.creator, 'hi');
    s.at(6).say(b, 'hello');
    s.at(10).leave(b, 'FORCE_CLOSE');
    expect(finalOf(s)).toMatchObject({
      csg_PartiesAsAgentCount: '0',
      csg_MessagesFromAgentsCount: '0',
      csg_SessionUntilFirstAgentTime: '0',
      csg_SessionUntilFirstReplyTime: '0',
      cse_AgentReplyTotalCount: '0',
      cse_SessionHandleTotalCount: '0',
      csg_SessionEndedAgent: 'ABSENT',
    });
  });

  it('does not let a bot’s message end an idle period', () => {
    // Guide: activity for inactivity control is what everyone sees and no bot made.
    const inactivity = { ...DEFAULT_RULES.inactivity, enabled: true, alertMs: 60_000, closeMs: 30_000 };
    const s = new Script({ rules: { inactivity } });
    s.at(10);
    s.join(agent('Ann')); // alert at 70
    const b = s.join(bot('Bot'));
    s.at(80).say(b, 'Can I help?');
    s.at(100); // closed at 100: one idle period 70–100
    expect(group(finalOf(s), 'cse_ActiveIdle')).toEqual({ cse_ActiveIdleMaxTime: '30', cse_ActiveIdleTotalCount: '1', cse_ActiveIdleTotalTime: '30' });
  });

  it('leaves the bot keys out under fired when no bot took part', () => {
    // Our reading of fired: statistics that stayed at zero are left out.
    const s = new Script();
    s.at(10).leave(s.creator);
    expect(Object.keys(finalOf(s, { attachSessionStatistics: 'fired' })).filter((k) => k.includes('Bot'))).toEqual([]);
  });
});
