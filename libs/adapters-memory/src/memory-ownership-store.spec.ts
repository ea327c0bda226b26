import { ownershipStoreContract } from '@ocs/testing';
import { MemoryOwnershipStore } from './memory-ownership-store';

ownershipStoreContract('memory', async () => ({ store: new MemoryOwnershipStore() }));
