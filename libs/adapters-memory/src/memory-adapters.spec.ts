import { eventBusContract, transcriptStoreContract } from '@ocs/testing';
import { MemoryEventBus } from './memory-event-bus';
import { MemoryTranscriptStore } from './memory-transcript-store';

transcriptStoreContract('memory', async () => ({ store: new MemoryTranscriptStore() }));
eventBusContract('memory', async () => ({ bus: new MemoryEventBus(), topic: 'contract-test' }));
