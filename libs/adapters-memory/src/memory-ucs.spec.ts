import { ucsContract } from '../../testing/src/ucs.contract';
import { MemoryUcs } from './memory-ucs';

ucsContract('memory', async () => ({ ucs: new MemoryUcs() }));
