import { PackedRecords, PackedSlots } from './packed-records';

interface Row {
  id: string;
  n: number;
  text: string;
  nested?: Record<string, string>;
}

const row = (i: number, text = `text ${i}`): Row => ({ id: `R${i}`, n: i, text, nested: { a: String(i), b: 'ü 👋' } });

describe('PackedRecords', () => {
  it('gives back what was set, by key, and nothing for an unknown key', () => {
    const records = new PackedRecords<Row>();
    records.set('a', row(1));
    records.set('b', row(2, 'مرحبا "quoted" \n line'));
    expect(records.size).toBe(2);
    expect(records.has('a')).toBe(true);
    expect(records.get('a')).toEqual(row(1));
    expect(records.get('b')).toEqual(row(2, 'مرحبا "quoted" \n line'));
    expect(records.has('c')).toBe(false);
    expect(records.get('c')).toBeUndefined();
    expect([...records.keys()]).toEqual(['a', 'b']);
  });

  it('keeps copies: changing what was set or what was read changes nothing stored', () => {
    const records = new PackedRecords<Row>();
    const value = row(1);
    records.set('a', value);
    value.text = 'changed';
    const read = records.get('a') as Row;
    read.n = 99;
    expect(records.get('a')).toEqual(row(1));
  });

  it('replaces a record, shorter or longer, without touching its neighbours', () => {
    const records = new PackedRecords<Row>(256);
    records.set('a', row(1));
    records.set('b', row(2));
    records.set('a', row(1, 'x'.repeat(500)));
    records.set('b', row(2, ''));
    expect(records.get('a')).toEqual(row(1, 'x'.repeat(500)));
    expect(records.get('b')).toEqual(row(2, ''));
    expect(records.size).toBe(2);
  });

  it('deletes records', () => {
    const records = new PackedRecords<Row>();
    records.set('a', row(1));
    expect(records.delete('a')).toBe(true);
    expect(records.delete('a')).toBe(false);
    expect(records.get('a')).toBeUndefined();
    expect(records.size).toBe(0);
    records.set('a', row(3));
    expect(records.get('a')).toEqual(row(3));
  });

  it('takes back the space of replaced and deleted records, and keeps every live one intact', () => {
    const records = new PackedRecords<Row>(4096);
    const model = new Map<string, Row>();
    for (let i = 0; i < 20_000; i++) {
      const key = `k${(i * 7919) % 500}`;
      if (i % 7 === 0) {
        records.delete(key);
        model.delete(key);
      } else {
        const value = row(i, 'y'.repeat(i % 300));
        records.set(key, value);
        model.set(key, value);
      }
    }
    expect(records.size).toBe(model.size);
    for (const [key, value] of model) expect(records.get(key)).toEqual(value);
    const live = [...model.values()].reduce((sum, value) => sum + Buffer.byteLength(JSON.stringify(value)), 0);
    // Live bytes, at most as many dead ones, and the unused ends of slabs.
    expect(records.heldBytes).toBeLessThanOrEqual(2 * live + 3 * 4096 + (records.heldBytes / 4096) * 1000);
    for (const key of [...model.keys()]) records.delete(key);
    expect(records.size).toBe(0);
    expect(records.heldBytes).toBeLessThanOrEqual(4096);
  });

  it('stores keys as tokens of a shared table, whatever their names', () => {
    const records = new PackedRecords<Record<string, unknown>>();
    const odd = JSON.parse(
      '{"~":"tilde","~~x":"two","~0":"token-like","__proto__":"proto","":"empty","nested":{"~1":{"GCTI_Chat_AsyncMode":"true"}},"list":[{"a":1},"b",[{"~":2}]]}',
    ) as Record<string, unknown>;
    records.set('odd', odd);
    for (let i = 0; i < 10; i++) records.set(`r${i}`, { GCTI_Chat_AsyncMode: 'true', IsOnline: String(i) });
    expect(records.get('odd')).toEqual(odd);
    expect(Object.keys(records.get('odd') as object)).toEqual(Object.keys(odd));
    expect(Object.getPrototypeOf(records.get('odd'))).toBe(Object.prototype);
    expect(records.get('r7')).toEqual({ GCTI_Chat_AsyncMode: 'true', IsOnline: '7' });
  });

  it('stores keys as they are once its token table is full', () => {
    const records = new PackedRecords<Record<string, string>>();
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [i % 2 ? `key ${i}` : `~${i}`, String(i)]));
    records.set('many', many);
    records.set('late', { '~late': 'a', late: 'b', '~~late': 'c' });
    expect(records.get('many')).toEqual(many);
    expect(records.get('late')).toEqual({ '~late': 'a', late: 'b', '~~late': 'c' });
  });

  it('stores a record larger than a slab in a slab of its own', () => {
    const records = new PackedRecords<Row>(64);
    records.set('big', row(1, 'z'.repeat(1000)));
    records.set('small', row(2));
    expect(records.get('big')).toEqual(row(1, 'z'.repeat(1000)));
    expect(records.get('small')).toEqual(row(2));
  });

  it('grows past its first thousand slots', () => {
    const records = new PackedRecords<number>(1024);
    for (let i = 0; i < 5000; i++) records.set(String(i), i);
    expect(records.size).toBe(5000);
    expect(records.get('0')).toBe(0);
    expect(records.get('4999')).toBe(4999);
  });
});

describe('PackedSlots', () => {
  it('keeps each record in the slot it answered, through replacements and compaction', () => {
    const packed = new PackedSlots<Row>(1024);
    const slots = Array.from({ length: 100 }, (_, i) => packed.add(row(i)));
    expect(new Set(slots).size).toBe(100);
    for (let round = 0; round < 20; round++) for (const [i, slot] of slots.entries()) packed.replace(slot, row(i, `round ${round}`));
    expect(packed.size).toBe(100);
    for (const [i, slot] of slots.entries()) expect(packed.read(slot)).toEqual(row(i, 'round 19'));
    expect(packed.heldBytes).toBeLessThanOrEqual(3 * 100 * Buffer.byteLength(JSON.stringify(row(99, 'round 19'))) + 2 * 1024);
  });

  it('reuses the slot of a removed record and refuses slots that hold none', () => {
    const packed = new PackedSlots<Row>();
    const a = packed.add(row(1));
    const b = packed.add(row(2));
    packed.remove(a);
    expect(packed.size).toBe(1);
    expect(() => packed.read(a)).toThrow(/no packed record/);
    expect(() => packed.replace(a, row(3))).toThrow(/no packed record/);
    expect(() => packed.remove(a)).toThrow(/no packed record/);
    expect(() => packed.read(99)).toThrow(/no packed record/);
    expect(packed.add(row(4))).toBe(a);
    expect(packed.read(a)).toEqual(row(4));
    expect(packed.read(b)).toEqual(row(2));
  });
});
