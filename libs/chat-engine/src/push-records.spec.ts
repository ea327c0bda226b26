import { MemoryEventBus, MemoryOwnershipStore, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { DEFAULT_RULES, type PushRules, type SessionRules } from '@ocs/chat-domain';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';
import { readSessionEvent, TOPICS, type PushNotice } from '@ocs/contracts';
import { actor } from '@ocs/testing';
import { ChatEngine } from './chat-engine';

const DELAY = 15_000;
const PUSH: PushRules = { ...DEFAULT_RULES.push, onJoin: true, resendAttempts: 3, resendDelayMs: DELAY };
const RELIABLE = {
  GCTI_Chat_PushSubscribe: 'true',
  GCTI_GMS_PushDeviceId: 'device-1',
  GCTI_GMS_PushDeviceType: 'customhttp',
  GCTI_GMS_PushIncludePayload: 'true',
  GCTI_GMS_PushResend: 'true',
};
const DURABLE = { autoSave: 1, saveOnError: 'continue', resendAttempts: 0, resendDelayMs: 0 } as const;

/** Engines sharing one store, bus and clock; node A is lost when `alive` no longer has it. */
function cluster(rules: Partial<SessionRules>) {
  const clock = new ManualClock();
  const bus = new MemoryEventBus();
  const ownership = new MemoryOwnershipStore();
  const store = new MemoryTranscriptStore(ownership);
  const alive = new Set(['A', 'B']);
  const pushes: PushNotice[] = [];
  void bus.subscribe(TOPICS.sessionEvents, 'test', (record) => {
    const read = readSessionEvent(record.value, ['push']);
    if ('problem' in read) throw new Error(read.problem);
    if ('value' in read && read.value.type === 'push') pushes.push(read.value.push);
  });
  const node = (nodeId: string) =>
    new ChatEngine({
      clock,
      ids: new SequentialIds(),
      rules: { ...DEFAULT_RULES, sessionPasswordEnforce: false, ...rules },
      store,
      bus,
      durability: DURABLE,
      ownership: { nodeId, store: ownership, isAlive: async (id) => alive.has(id), purgePrevious: false },
    });
  return { clock, bus, alive, pushes, a: node('A'), b: node('B') };
}

async function subscribedChat(engine: ChatEngine, userData: Record<string, string>) {
  const created = await engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106, userData }, userData });
  const customer = actor(created.party);
  const joined = await engine.join(customer.sessionId, { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 });
  return { customer, agent: actor(joined.party) };
}

describe('push records the engine publishes', () => {
  it('the reliable-delivery schedule is saved with the session: restored on another node with session-restore-push-send, it goes on there', async () => {
    const { clock, bus, alive, pushes, a, b } = cluster({ push: { ...PUSH, restoreSend: true } });
    const { customer, agent } = await subscribedChat(a, RELIABLE);
    await a.message(agent, { text: 'hello' });
    await a.leave(agent, 'KEEP_ALIVE');
    const trigger = `${customer.sessionId}-4-0`;
    alive.delete('A');
    clock.advance(1000);
    expect((await b.sessionInfo(customer.sessionId)).isRestored).toBe(true);
    clock.advance(DELAY);
    await b.tick();
    await bus.idle();
    expect(pushes.map((p) => p.id)).toEqual([`${customer.sessionId}-2-0`, `${customer.sessionId}-3-0`, trigger, `${customer.sessionId}-4-1`]);
    // The customer refreshes on the new node: no more resends.
    await b.read(customer, 0);
    clock.advance(10 * DELAY);
    await b.tick();
    await bus.idle();
    expect(pushes).toHaveLength(4);
  });

  it('a refresh that stops the resends is saved: the node restoring the session does not resend', async () => {
    const { clock, bus, alive, pushes, a, b } = cluster({ push: { ...PUSH, restoreSend: true } });
    const { customer, agent } = await subscribedChat(a, RELIABLE);
    await a.leave(agent, 'KEEP_ALIVE');
    await a.read(customer, 0);
    alive.delete('A');
    clock.advance(1000);
    expect((await b.sessionInfo(customer.sessionId)).isRestored).toBe(true);
    clock.advance(10 * DELAY);
    await b.tick();
    await bus.idle();
    expect(pushes.map((p) => p.attempt)).toEqual([0, 0]);
  });

  it('without session-restore-push-send the restored session sends no more notices', async () => {
    const { clock, bus, alive, pushes, a, b } = cluster({ push: PUSH });
    const { customer, agent } = await subscribedChat(a, RELIABLE);
    await a.message(agent, { text: 'hello' });
    alive.delete('A');
    clock.advance(1000);
    await b.sessionInfo(customer.sessionId);
    clock.advance(10 * DELAY);
    await b.tick();
    await bus.idle();
    expect(pushes.map((p) => p.attempt)).toEqual([0, 0]);
  });

  it('a customer removed for protocol inactivity is told, quit reason 3 in the payload (which no API reply shows it)', async () => {
    const { clock, bus, pushes, a } = cluster({ push: PUSH, flexPushTimeoutMs: 60_000 });
    const { customer } = await subscribedChat(a, { ...RELIABLE, GCTI_GMS_PushResend: 'false' });
    for (let i = 0; i < 2; i++) {
      clock.advance(60_000);
      await a.tick();
    }
    await bus.idle();
    const last = pushes[pushes.length - 1];
    expect(last).toMatchObject({ position: -1, chatEnded: true, payload: { event: { kind: 'partyLeft', userId: customer.userId, quitReasonCode: '3' } } });
    expect(last.payload?.event.eventAttributes).toEqual({ GCTI_SYSTEM: { 'quit-reason-code': '3' } });
  });
});
