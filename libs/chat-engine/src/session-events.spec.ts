import { MemoryEventBus, MemoryOwnershipStore, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { DEFAULT_RULES } from '@ocs/chat-domain';
import { readNodeCommand, readSessionEvent, TOPICS } from '@ocs/contracts';
import type { BusRecord } from '@ocs/ports';
import { actor } from '@ocs/testing';
import { ChatEngine } from './chat-engine';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';

const DURABLE = { autoSave: 1, saveOnError: 'continue', resendAttempts: 0, resendDelayMs: 0 } as const;

describe('the session events the engine publishes', () => {
  it('are each read back, unchanged, by the schema of their topic', async () => {
    const clock = new ManualClock();
    const bus = new MemoryEventBus();
    const ownership = new MemoryOwnershipStore();
    const store = new MemoryTranscriptStore(ownership);
    const alive = new Set(['A', 'B']);
    const node = (nodeId: string) =>
      new ChatEngine({
        clock,
        ids: new SequentialIds(),
        rules: { ...DEFAULT_RULES, sessionPasswordEnforce: true },
        store,
        bus,
        durability: DURABLE,
        ownership: { nodeId, store: ownership, isAlive: async (id) => alive.has(id), purgePrevious: true },
      });
    const records: BusRecord[] = [];
    await bus.subscribe(TOPICS.sessionEvents, 'test', (r) => void records.push(r));
    await bus.subscribe(TOPICS.nodeCommands, 'test', (r) => void records.push(r));
    const [a, b] = [node('A'), node('B')];

    const service = { name: 'customer-support', tenantDbid: 1, endpoint: 'default' };
    const userData = { Subject: 'Billing', Nested: { Deep: 'value' }, GCTI_Chat_AsyncMode: 'true' };
    const created = await a.createSession({
      creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106, userData },
      userData,
      service,
    });
    const customer = actor(created.party);
    const { sessionId } = customer;
    const password = (await store.load(sessionId))?.password ?? '';
    const join = (userType: 'AGENT' | 'SUPERVISOR', nickname: string, extra: object = {}) =>
      a.join(sessionId, { userType, nickname, protocol: 'BASIC', clientVersion: 106, userData: { GCTI_Chat_SessionPassword: password }, ...extra });
    const agent = actor((await join('AGENT', 'Bob')).party);
    await join('AGENT', 'Botty', { userData: { GCTI_Chat_SessionPassword: password, GCTI_Chat_SetPartyStyle: 'BOT' } });
    await join('SUPERVISOR', 'Sue', { visibility: 'VIP' });
    await a.message(customer, { text: 'hello', messageType: 'text', eventAttributes: { a: { b: 'c' } } });
    await a.message(agent, { text: 'a direct word', receiverId: customer.userId, visibility: 'ALL' });
    await a.notice(customer, { noticeType: 'TYPING_STARTED' });
    await a.notice(agent, { noticeType: 'PUSH_URL', text: 'https://example.com' });
    await a.externalMessage(sessionId, 'Workflow', { text: 'from the workflow' });
    await a.leave(agent, 'KEEP_ALIVE', { transferred: true });
    await a.placeOnHold(sessionId);
    alive.delete('A');
    await b.read(customer, 0);
    await b.leave(customer, 'FORCE_CLOSE');
    const other = await b.createSession({ creator: { userType: 'CLIENT', nickname: 'Cy', protocol: 'FLEX', clientVersion: 106 } });
    await b.closeSession(other.party.sessionId, { purge: true });
    await bus.idle();

    const types = records.map((r) => (r.value as { type: string }).type);
    for (const type of ['created', 'event', 'properties', 'closed', 'purged', 'restored', 'purge']) expect(types).toContain(type);
    for (const record of records) {
      const read = record.topic === TOPICS.nodeCommands ? readNodeCommand(record.value) : readSessionEvent(record.value);
      expect(read).toEqual({ value: record.value });
    }
  });
});
