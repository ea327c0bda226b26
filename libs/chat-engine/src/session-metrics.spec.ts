import { MemoryEventBus, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { DEFAULT_RULES } from '@ocs/chat-domain';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';
import type { SessionMetrics } from '@ocs/ports';
import { actor } from '@ocs/testing';
import { ChatEngine } from './chat-engine';

/** What the engine told its metrics, in order. */
function recorder(): { metrics: SessionMetrics; told: string[] } {
  const told: string[] = [];
  return {
    told,
    metrics: {
      created: () => void told.push('created'),
      message: (direction) => void told.push(`message ${direction}`),
      closed: (reason) => void told.push(`closed ${reason}`),
      restored: () => void told.push('restored'),
    },
  };
}

async function chat(metrics: SessionMetrics) {
  const engine = new ChatEngine({
    clock: new ManualClock(),
    ids: new SequentialIds(),
    rules: DEFAULT_RULES,
    store: new MemoryTranscriptStore(),
    bus: new MemoryEventBus(),
    metrics,
  });
  const created = await engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } });
  const customer = actor(created.party);
  const join = async (nickname: string, userData = {}) =>
    actor((await engine.join(customer.sessionId, { userType: 'AGENT', nickname, protocol: 'BASIC', clientVersion: 106, userData })).party);
  return { engine, customer, join };
}

describe('the session metrics the engine tells', () => {
  it('counts a session created, its messages by direction, and its close as QUIT once the last party left', async () => {
    const { metrics, told } = recorder();
    const { engine, customer, join } = await chat(metrics);
    const agent = await join('Bob');
    const bot = await join('Botty', { GCTI_Chat_SetPartyStyle: 'BOT' });
    await engine.message(customer, { text: 'hello' });
    await engine.message(agent, { text: 'hi Ann' });
    await engine.message(bot, { text: 'beep' });
    await engine.notice(customer, { noticeType: 'TYPING_STARTED' });
    await engine.externalMessage(customer.sessionId, 'Workflow', { text: 'from the workflow' });
    await engine.leave(customer, 'KEEP_ALIVE');
    await engine.leave(bot, 'KEEP_ALIVE');
    await engine.leave(agent, 'KEEP_ALIVE');
    expect(told).toEqual(['created', 'message customer-to-agent', 'message agent-to-customer', 'message bot', 'message system', 'closed QUIT']);
  });

  it('counts a close by an agent leaving with a request to close as FORCE, and one by the server as FORCE too', async () => {
    const first = recorder();
    const one = await chat(first.metrics);
    await one.engine.leave(await one.join('Bob'), 'FORCE_CLOSE');
    expect(first.told).toEqual(['created', 'closed FORCE']);

    const second = recorder();
    const two = await chat(second.metrics);
    await two.engine.closeSession(two.customer.sessionId);
    expect(second.told).toEqual(['created', 'closed FORCE']);
  });
});
