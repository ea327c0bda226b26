import { fanOutContract, membershipContract } from '@ocs/testing';
import { MemoryFanOut, MemoryMembership } from './memory-membership';

membershipContract('memory', async () => ({ membership: new MemoryMembership() }));
fanOutContract('memory', async () => {
  const hub = new MemoryFanOut();
  return { a: hub, b: hub };
});

describe('MemoryMembership with an injected clock', () => {
  it('expires nodes and routes exactly at their TTL', async () => {
    let now = 1_000;
    const membership = new MemoryMembership(() => now);
    await membership.heartbeat({ nodeId: 'n1', url: 'http://n1', draining: false, limited: false, sessions: 3 }, 500);
    await membership.setRoute('S-1', 'n1', 500);
    now = 1_499;
    expect(await membership.alive()).toEqual([{ nodeId: 'n1', url: 'http://n1', draining: false, limited: false, sessions: 3, seenAt: 1_000 }]);
    expect(await membership.route('S-1')).toBe('n1');
    now = 1_500;
    expect(await membership.alive()).toEqual([]);
    expect(await membership.route('S-1')).toBeUndefined();
  });
});
