import { MemoryEventBus, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { DEFAULT_RULES } from '@ocs/chat-domain';
import { chatEngineApiContract } from '@ocs/testing';
import { ChatEngine } from './chat-engine';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';

chatEngineApiContract('the engine in-process', async () => ({
  api: new ChatEngine({
    clock: new ManualClock(),
    ids: new SequentialIds(),
    rules: DEFAULT_RULES,
    store: new MemoryTranscriptStore(),
    bus: new MemoryEventBus(),
  }),
}));
