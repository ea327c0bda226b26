import {
  eventBusContract,
  fencedTranscriptStoreContract,
  partyKeyIndexContract,
  routingStoreContract,
  statisticsCheckpointsContract,
  transcriptStoreContract,
} from '@ocs/testing';
import { MemoryEventBus } from './memory-event-bus';
import { MemoryOwnershipStore } from './memory-ownership-store';
import { MemoryPartyKeys } from './memory-party-keys';
import { MemoryRoutingStore } from './memory-routing-store';
import { MemoryStatisticsCheckpoints } from './memory-statistics-checkpoints';
import { MemoryTranscriptStore } from './memory-transcript-store';

transcriptStoreContract('memory', async () => ({ store: new MemoryTranscriptStore() }));
fencedTranscriptStoreContract('memory', async () => {
  const ownership = new MemoryOwnershipStore();
  const store = new MemoryTranscriptStore(ownership);
  return { store: () => store, ownership };
});
eventBusContract('memory', async () => ({ bus: new MemoryEventBus(), topic: 'contract-test' }));
statisticsCheckpointsContract('memory', async () => ({ checkpoints: new MemoryStatisticsCheckpoints() }));
routingStoreContract('memory', async () => ({ store: new MemoryRoutingStore() }));
partyKeyIndexContract('memory', async () => ({ index: new MemoryPartyKeys() }));

describe('MemoryEventBus delivery', () => {
  it('handles records of different keys at once, and those of one key one after the other, in order', async () => {
    const bus = new MemoryEventBus();
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await bus.subscribe('t', 'g', async (record) => {
      seen.push(`start ${String(record.value)}`);
      if (record.value === 'k1-a') await held;
      seen.push(`end ${String(record.value)}`);
    });
    await bus.publish(['k1-a', 'k1-b', 'k2-a'].map((value) => ({ topic: 't', key: value.slice(0, 2), value })));
    const idle = bus.idle();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['start k1-a', 'start k2-a', 'end k2-a']);
    release();
    await idle;
    expect(seen).toEqual(['start k1-a', 'start k2-a', 'end k2-a', 'end k1-a', 'start k1-b', 'end k1-b']);
  });
});
