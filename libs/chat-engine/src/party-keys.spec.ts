import { DEFAULT_RULES } from '@ocs/chat-domain';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';
import { MemoryEventBus, MemoryPartyKeys, MemoryTranscriptStore } from '@ocs/adapters-memory';
import type { PartyKeyIndex } from '@ocs/ports';
import { refusal } from '@ocs/testing';
import { ChatEngine } from './chat-engine';

const CUSTOMER = { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } as const;
const AGENT = { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 } as const;

/** An index that records until told to fail. */
class FailingKeys extends MemoryPartyKeys {
  failing = false;

  override async record(secureKey: string, sessionId: string): Promise<void> {
    if (this.failing) throw new Error('Cassandra unavailable');
    return super.record(secureKey, sessionId);
  }

  override async sessionOf(secureKey: string): Promise<string | undefined> {
    if (this.failing) throw new Error('Cassandra unavailable');
    return super.sessionOf(secureKey);
  }
}

function engineWith(partyKeys?: PartyKeyIndex): ChatEngine {
  return new ChatEngine({
    clock: new ManualClock(),
    ids: new SequentialIds(),
    rules: DEFAULT_RULES,
    store: new MemoryTranscriptStore(),
    bus: new MemoryEventBus(),
    ...(partyKeys ? { partyKeys } : {}),
  });
}

describe('the parties’ keys recorded by the engine', () => {
  it('records the key of every party before answering it, so another node’s engine finds its session', async () => {
    const keys = new FailingKeys();
    const [here, elsewhere] = [engineWith(keys), engineWith(keys)];
    const { party: customer } = await here.createSession({ creator: CUSTOMER });
    const { party: agent } = await here.join(customer.sessionId, AGENT);
    expect(await elsewhere.sessionOfKey(customer.secureKey)).toBe(customer.sessionId);
    expect(await elsewhere.sessionOfKey(agent.secureKey)).toBe(customer.sessionId);
    expect(await elsewhere.sessionOfKey('a wrong key')).toBeUndefined();
    // The node that does not hold the session does not claim the key as one of its own parties.
    expect(await elsewhere.findParty(customer.secureKey)).toBeUndefined();
  });

  it('creates no session when the key cannot be recorded, and says the storage is out, to be tried again', async () => {
    const keys = new FailingKeys();
    const engine = engineWith(keys);
    keys.failing = true;
    const refused = await refusal(engine.createSession({ creator: CUSTOMER }));
    expect(refused).toMatchObject({ code: 'STORAGE_UNAVAILABLE', message: 'the chat party could not be recorded now; try again' });
    expect(engine.sessionCount).toBe(0);
    expect(await refusal(engine.sessionOfKey('any key'))).toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      message: 'the chat party could not be looked up now; try again',
    });
  });

  it('without an index (one node) records nothing and finds nothing by it', async () => {
    const engine = engineWith();
    const { party } = await engine.createSession({ creator: CUSTOMER });
    expect(await engine.sessionOfKey(party.secureKey)).toBeUndefined();
    expect(await engine.findParty(party.secureKey)).toEqual({ sessionId: party.sessionId, userId: party.userId, secureKey: party.secureKey });
  });
});
