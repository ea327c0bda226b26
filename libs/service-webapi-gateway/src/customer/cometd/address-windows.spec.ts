import { AddressWindows } from './address-windows';

function windows(maxAddresses?: number) {
  let now = 1_000_000;
  const counter = new AddressWindows(10_000, () => now, maxAddresses);
  return { counter, advance: (ms: number) => (now += ms) };
}

describe('AddressWindows', () => {
  it('counts the events of each address in its own window, starting at its first event', () => {
    const { counter, advance } = windows();
    expect(counter.hit('a')).toEqual({ count: 1, previous: 0, remainingMs: 10_000 });
    advance(4_000);
    expect(counter.hit('a')).toEqual({ count: 2, previous: 0, remainingMs: 6_000 });
    expect(counter.hit('b')).toEqual({ count: 1, previous: 0, remainingMs: 10_000 });
  });

  it('starts a new window after the interval, telling the count of the window right before it', () => {
    const { counter, advance } = windows();
    counter.hit('a');
    counter.hit('a');
    advance(10_000);
    expect(counter.hit('a')).toEqual({ count: 1, previous: 2, remainingMs: 10_000 });
    advance(25_000);
    expect(counter.hit('a')).toEqual({ count: 1, previous: 0, remainingMs: 10_000 });
  });

  it('drops addresses not seen for two intervals', () => {
    const { counter, advance } = windows();
    for (let i = 0; i < 50; i++) counter.hit(`10.0.0.${i}`);
    expect(counter.size).toBe(50);
    advance(20_000);
    counter.hit('10.0.1.1');
    expect(counter.size).toBe(1);
  });

  it('holds at most maxAddresses, whatever number of addresses a client sends from', () => {
    const { counter } = windows(100);
    for (let i = 0; i < 10_000; i++) counter.hit(`2001:db8::${i.toString(16)}`);
    expect(counter.size).toBe(100);
    expect(counter.hit('2001:db8::270f').count).toBe(2);
  });
});
