import { jsonCopy } from './statistics-checkpoints';

describe('jsonCopy', () => {
  const value = {
    text: 'Zoë 😀',
    count: 3,
    flag: false,
    none: null,
    gone: undefined,
    list: [1, 'two', { three: 3, gone: undefined }, [], undefined],
    nested: { parties: { p1: { role: 'agent', present: true } } },
  };

  it('gives what a JSON round trip gives', () => {
    expect(JSON.stringify(jsonCopy(value))).toBe(JSON.stringify(value));
    expect(jsonCopy(value)).toStrictEqual(JSON.parse(JSON.stringify(value)));
    expect(jsonCopy('text')).toBe('text');
    expect(jsonCopy(null)).toBeNull();
  });

  it('shares nothing with the original: changing the copy leaves it as it was', () => {
    const copy = jsonCopy(value);
    copy.nested.parties.p1.present = false;
    (copy.list[2] as { three: number }).three = 4;
    expect(value.nested.parties.p1.present).toBe(true);
    expect((value.list[2] as { three: number }).three).toBe(3);
  });
});
