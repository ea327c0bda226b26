import { cloneKv, getKv, mergeKv, sameSecret, setKv, utf8Length } from './kv';

describe('key-value lists', () => {
  it('setKv creates the nested lists on the way and replaces a string in the way', () => {
    expect(setKv({}, ['GCTI_SYSTEM', 'party-info', 'style'], 'BOT')).toEqual({ GCTI_SYSTEM: { 'party-info': { style: 'BOT' } } });
    expect(setKv({ GCTI_SYSTEM: { keep: '1' } }, ['GCTI_SYSTEM', 'quit-reason-code'], '3')).toEqual({ GCTI_SYSTEM: { keep: '1', 'quit-reason-code': '3' } });
    expect(setKv({ GCTI_SYSTEM: 'flat' }, ['GCTI_SYSTEM', 'x'], 'y')).toEqual({ GCTI_SYSTEM: { x: 'y' } });
  });

  it('getKv reads a path, undefined when missing or through a string', () => {
    const kv = { a: { b: { c: 'v' } }, s: 'str' };
    expect(getKv(kv, ['a', 'b', 'c'])).toBe('v');
    expect(getKv(kv, ['a', 'b'])).toEqual({ c: 'v' });
    expect(getKv(kv, ['a', 'x', 'c'])).toBeUndefined();
    expect(getKv(kv, ['s', 'x'])).toBeUndefined();
    expect(getKv(undefined, ['a'])).toBeUndefined();
  });

  it('cloneKv is deep', () => {
    const kv = { a: { b: 'v' } };
    const copy = cloneKv(kv);
    kv.a.b = 'changed';
    expect(copy).toEqual({ a: { b: 'v' } });
  });

  it('mergeKv merges nested lists key by key without touching its inputs', () => {
    const base = { a: '1', n: { x: '1', y: '2' } };
    const extra = { b: '2', n: { y: 'two', z: '3' } };
    expect(mergeKv(base, extra)).toEqual({ a: '1', b: '2', n: { x: '1', y: 'two', z: '3' } });
    expect(base).toEqual({ a: '1', n: { x: '1', y: '2' } });
    expect(mergeKv(undefined, { a: { b: 'c' } })).toEqual({ a: { b: 'c' } });
    expect(mergeKv({ a: { b: 'c' } }, { a: 'flat' })).toEqual({ a: 'flat' });
  });

  it('utf8Length counts UTF-8 bytes', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('你')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('👨‍👩‍👧')).toBe(18);
  });

  it('sameSecret compares exactly', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret('', 'a')).toBe(false);
  });
});
