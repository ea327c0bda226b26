import { ucsContract } from '@ocs/testing';
import { MemoryUcs } from './memory-ucs';

ucsContract('memory', async () => ({ ucs: new MemoryUcs() }));
