import { DEFAULT_RULES } from '@ocs/chat-domain';
import { Script, agent, bot, finalOf, group, supervisor } from './test/scripted-session';

/** The guide's table "Chat Session End Reason Codes". */

const ended = (s: Script) => group(finalOf(s), 'csg_SessionEnded');
const expected = (by: string, reason: string, agentPresence: string) => ({
  csg_SessionEndedBy: by,
  csg_SessionEndedReason: reason,
  csg_SessionEndedAgent: agentPresence,
});

/** A session an agent created, with no customer (outbound). */
function agentOnly(): { s: Script; a: ReturnType<Script['join']> } {
  const s = new Script({ creator: agent('Ann') });
  return { s, a: s.creator };
}

describe('chat session end reason codes', () => {
  it('says CLIENT and QUIT when the customer left first, even if an agent closed the session later', () => {
    // Guide: CLIENT whenever the client leaves first; QUIT is leaving the normal way (logout, keep-alive release).
    const s = new Script();
    s.at(5);
    const a = s.join(agent('Ann'));
    s.at(10).leave(s.creator);
    s.at(20).leave(a, 'FORCE_CLOSE');
    expect(ended(s)).toEqual(expected('CLIENT', 'QUIT', 'PRESENT'));
  });

  it('says CLIENT and DISCONNECT when the customer was disconnected first', () => {
    // Guide: DISCONNECT is a disconnect (basic) or a flex timeout expiring.
    const s = new Script({ rules: { flexDisconnectTimeoutMs: 30_000 } });
    s.at(5);
    const a = s.join(agent('Ann'));
    s.at(31); // the customer made no request for 30 s
    s.at(40).leave(a);
    expect(ended(s)).toEqual(expected('CLIENT', 'DISCONNECT', 'PRESENT'));
  });

  it('says AGENT and FORCE when an agent releases with force close', () => {
    // Guide: AGENT/SUPERVISOR/BOT with FORCE when the actor released with close-if-no-agents or force close.
    const s = new Script();
    s.at(5);
    const a = s.join(agent('Ann'));
    s.at(10).leave(a, 'FORCE_CLOSE');
    expect(ended(s)).toEqual(expected('AGENT', 'FORCE', 'PRESENT'));
  });

  it('says SUPERVISOR and FORCE when a visible supervisor releases with close if no agents', () => {
    // Guide: SUPERVISOR with FORCE when a supervisor released asking to close if no agents are left.
    const s = new Script();
    s.at(5);
    const sup = s.join(supervisor('Sue', 'ALL'));
    s.at(10).leave(sup, 'CLOSE_IF_NO_AGENTS');
    // A supervisor the customer sees is an agent for these statistics.
    expect(ended(s)).toEqual(expected('SUPERVISOR', 'FORCE', 'PRESENT'));
  });

  it('says BOT and FORCE when a bot force-closes, and ABSENT: a bot is no agent', () => {
    // Guide: only human agents visible to the customer count for csg_SessionEndedAgent.
    const s = new Script();
    s.at(5);
    const b = s.join(bot('Bot'));
    s.at(10).leave(b, 'FORCE_CLOSE');
    expect(ended(s)).toEqual(expected('BOT', 'FORCE', 'ABSENT'));
  });

  it('says AGENT and QUIT, or DISCONNECT, for a session without a customer that the agent ends', () => {
    // Guide: AGENT when a session that never had a customer closes because the actor released (or was disconnected).
    const quit = agentOnly();
    quit.s.at(30).leave(quit.a);
    expect(ended(quit.s)).toEqual(expected('AGENT', 'QUIT', 'PRESENT'));
    const dropped = agentOnly();
    dropped.s.at(30).disconnect(dropped.a);
    expect(ended(dropped.s)).toEqual(expected('AGENT', 'DISCONNECT', 'PRESENT'));
  });

  it('says SYSTEM and INACTIVE when inactivity control closed the session, with or without a close notice', () => {
    // Guide: INACTIVE, by SYSTEM: Chat Server closed the session through inactivity control.
    for (const close of ['Closed for inactivity.', '']) {
      const inactivity = {
        ...DEFAULT_RULES.inactivity,
        enabled: true,
        alertMs: 60_000,
        closeMs: 30_000,
        messages: { ...DEFAULT_RULES.inactivity.messages, close },
      };
      const s = new Script({ rules: { inactivity } });
      s.at(10);
      s.join(agent('Ann'));
      s.at(100); // alert at 70, close at 100
      expect(ended(s)).toEqual(expected('SYSTEM', 'INACTIVE', 'PRESENT'));
    }
  });

  it('says SYSTEM and FORCE when the workflow closes the session', () => {
    // The guide lists no reason for a closure by the workflow (ESP CloseSession): a forced closure by the system.
    const s = new Script();
    s.at(10).closeByWorkflow();
    expect(ended(s)).toEqual(expected('SYSTEM', 'FORCE', 'ABSENT'));
  });

  it('says SYSTEM and DB_ERROR when the session closed because its transcript could not be saved', () => {
    // Guide: DB_ERROR, by SYSTEM: closed on a non-recoverable error saving the transcript (transcript-save-on-error=close).
    const s = new Script();
    s.at(5);
    s.join(agent('Ann'));
    s.at(10).publish(s.session.closeBySystem('5'));
    const closed = s.records.at(-1);
    if (closed?.type === 'closed') closed.saveFailed = true;
    expect(ended(s)).toEqual(expected('SYSTEM', 'DB_ERROR', 'PRESENT'));
  });

  it('says VISITED when an agent took part but none was there at the closure', () => {
    // Guide: VISITED: at least one agent participated, none present when the session closed.
    const s = new Script();
    s.at(5);
    const a = s.join(agent('Ann'));
    s.at(10).say(a, 'One moment, I transfer you.');
    s.at(20).leave(a);
    s.at(90).leave(s.creator);
    expect(ended(s)).toEqual(expected('CLIENT', 'QUIT', 'VISITED'));
  });

  it('says ABSENT when only a coach or a monitor, whom the customer does not see, joined', () => {
    // Guide: ABSENT: no participant visible to the client, other than a bot, ever joined.
    const s = new Script();
    s.at(5);
    const coach = s.join(supervisor('Sue', 'INT'));
    const monitor = s.join(supervisor('Max', 'VIP'));
    s.at(20).leave(coach).leave(monitor);
    s.at(30).leave(s.creator);
    expect(ended(s).csg_SessionEndedAgent).toBe('ABSENT');
  });

  it('says ABSENT after a restoration that came before any message, when the agent did not join again', () => {
    // Guide's note: an agent who joined before a restoration and did not rejoin, no message before it: ABSENT.
    const silent = new Script();
    silent.at(5);
    silent.join(agent('Ann'));
    silent.at(10).publish(silent.session.restore()).restored();
    silent.at(30).leave(silent.creator);
    expect(ended(silent).csg_SessionEndedAgent).toBe('ABSENT');

    const spoken = new Script();
    spoken.at(5);
    spoken.say(spoken.join(agent('Ann')), 'Hello');
    spoken.at(10).publish(spoken.session.restore()).restored();
    spoken.at(30).leave(spoken.creator);
    expect(ended(spoken).csg_SessionEndedAgent).toBe('VISITED');
  });
});
