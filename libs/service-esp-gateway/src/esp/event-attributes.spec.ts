import { MAX_ATTRIBUTE_DEPTH, MalformedAttributesError, parseEventAttributes } from './event-attributes';

/** The rich message of the Chat Server guide's example (quick replies), its body as escaped JSON in `content`. */
const QUICK_REPLIES = JSON.stringify({
  type: 'Message',
  contentType: 'quick-replies',
  content: [
    { id: 1, type: 'quick-reply', action: 'message', text: 'Black' },
    { id: 2, type: 'quick-reply', action: 'message', text: 'Green' },
  ],
});

function refusal(value: unknown): string {
  try {
    parseEventAttributes(value);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedAttributesError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('parseEventAttributes', () => {
  describe('JSON-like format', () => {
    it('reads values and nested lists, whitespace between tokens ignored', () => {
      expect(parseEventAttributes(' {"key1":"value1", "key2" : "value 2", "key3": {"subkey1": "subvalue1"}} ')).toEqual({
        key1: 'value1',
        key2: 'value 2',
        key3: { subkey1: 'subvalue1' },
      });
    });

    it('keeps an escaped JSON value (rich-message content) as a string', () => {
      const text = JSON.stringify({ 'structured-content': { 'genesys-chat': { content: QUICK_REPLIES, type: 'Generic' } } });
      const list = parseEventAttributes(text);
      expect(list).toEqual({ 'structured-content': { 'genesys-chat': { content: QUICK_REPLIES, type: 'Generic' } } });
      expect(JSON.parse((list['structured-content'] as { 'genesys-chat': { content: string } })['genesys-chat'].content)).toMatchObject({
        contentType: 'quick-replies',
      });
    });

    it('reads numbers as their decimal text', () => {
      expect(parseEventAttributes('{"count": 3, "ratio": 0.5}')).toEqual({ count: '3', ratio: '0.5' });
    });

    it.each([
      ['{"a":"1",}', /not valid JSON/],
      ['{"a": "1"', /not valid JSON/],
      ['{"a": ["x"]}', /EventAttributes\.a must be a key-value list/],
      ['{"a": {"b": null}}', /EventAttributes\.a\.b must be a key-value list/],
      ['{"a": true}', /EventAttributes\.a must be a key-value list/],
      ['{"": "x"}', /empty key/],
      ['{"__proto__": {"polluted": "yes"}}', /reserved key __proto__/],
    ])('refuses %s', (text, reason) => {
      expect(refusal(text)).toMatch(reason);
    });
  });

  describe('list-like format', () => {
    it('reads pairs and dotted paths into nested lists, whitespace around separators ignored', () => {
      expect(parseEventAttributes(' key1 : value1 | key2:value 2|key3.subkey1:subvalue1| key3 . subkey2 : x ')).toEqual({
        key1: 'value1',
        key2: 'value 2',
        key3: { subkey1: 'subvalue1', subkey2: 'x' },
      });
    });

    it('keeps ":" inside a value and takes an empty value', () => {
      expect(parseEventAttributes('url:https://shop.example/a?b=c|empty:')).toEqual({ url: 'https://shop.example/a?b=c', empty: '' });
    });

    it.each([
      ['key1:value1|key2', /pair 2 \("key2"\) has no ":"/],
      ['key1:value1|', /pair 2 \(""\) has no ":"/],
      ['a..b:1', /pair 1 has an empty key/],
      [':1', /pair 1 has an empty key/],
      ['a:1|a.b:2', /a\.b: a is both a value and a list/],
      ['a.b:2|a:1', /a is given more than once/],
      ['a:1|a:2', /a is given more than once/],
      ['__proto__.polluted:yes', /reserved key __proto__/],
    ])('refuses %s', (text, reason) => {
      expect(refusal(text)).toMatch(reason);
    });

    it('never reaches the prototype of lists', () => {
      refusal('__proto__.polluted:yes');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(parseEventAttributes('constructor.x:1')).toEqual({ constructor: { x: '1' } });
    });
  });

  it('takes a list given as an object (Interaction Server passes {l} parameters as nested lists)', () => {
    expect(parseEventAttributes({ a: 'x', b: { c: 7 } })).toEqual({ a: 'x', b: { c: '7' } });
    expect(refusal(['a'])).toMatch(/EventAttributes must be a key-value list/);
    expect(refusal(42)).toMatch(/EventAttributes must be a key-value list/);
  });

  it('an empty text is an empty list', () => {
    expect(parseEventAttributes('  ')).toEqual({});
  });

  it(`refuses lists nested deeper than ${MAX_ATTRIBUTE_DEPTH} levels in either format`, () => {
    const keys = Array.from({ length: MAX_ATTRIBUTE_DEPTH + 1 }, (_, i) => `k${i}`);
    expect(refusal(`${keys.join('.')}:deep`)).toMatch(/deeper than/);
    expect(parseEventAttributes(`${keys.slice(1).join('.')}:ok`)).toBeDefined();
    const json = keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), 'deep');
    expect(refusal(JSON.stringify(json))).toMatch(/deeper than/);
    expect(parseEventAttributes(JSON.stringify({ k: keys.slice(2).reduceRight<unknown>((inner, key) => ({ [key]: inner }), 'ok') }))).toBeDefined();
  });
});
