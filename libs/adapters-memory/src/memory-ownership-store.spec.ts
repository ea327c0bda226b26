import { ownershipStoreContract } from '../../testing/src/ownership.contract';
import { MemoryOwnershipStore } from './memory-ownership-store';

ownershipStoreContract('memory', async () => ({ store: new MemoryOwnershipStore() }));
