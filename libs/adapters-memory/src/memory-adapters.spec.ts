import { eventBusContract, fencedTranscriptStoreContract, transcriptStoreContract } from '@ocs/testing';
import { MemoryEventBus } from './memory-event-bus';
import { MemoryOwnershipStore } from './memory-ownership-store';
import { MemoryTranscriptStore } from './memory-transcript-store';

transcriptStoreContract('memory', async () => ({ store: new MemoryTranscriptStore() }));
fencedTranscriptStoreContract('memory', async () => {
  const ownership = new MemoryOwnershipStore();
  const store = new MemoryTranscriptStore(ownership);
  return { store: () => store, ownership };
});
eventBusContract('memory', async () => ({ bus: new MemoryEventBus(), topic: 'contract-test' }));
