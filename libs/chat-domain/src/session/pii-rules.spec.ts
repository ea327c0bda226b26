import { DEFAULT_PII_RULES, PiiRuleError, compilePiiRules, maskDigits, maskText, parseRepchar, parseSpec, type PiiRuleConfig } from './pii-rules';

const DEFAULTS = { spec: 'digits', repchar: '*' };
const rules = compilePiiRules(DEFAULT_PII_RULES, DEFAULTS);
const only = (id: string) => rules.filter((r) => r.id === id);
const found = (id: string, text: string) => maskText(text, only(id)).findings.map((f) => text.slice(f.start, f.end + 1));

describe('GCTI_CreditCards', () => {
  it.each([
    ['4111111111111111', '4111111111111111'],
    ['my card is 4111 1111 1111 1111.', '4111 1111 1111 1111'],
    ['card:5500-0000-0000-0004', '5500-0000-0000-0004'],
    ['(6011000990139424)', '6011000990139424'],
    ['"6221260000000000"', '6221260000000000'],
    ['pay with 6445644564456445 please', '6445644564456445'],
    ['use 6500000000000002!', '6500000000000002'],
    ['card5105105105105100', '5105105105105100'],
  ])('finds the card in %j', (text, card) => {
    expect(found('GCTI_CreditCards', text)).toEqual([card]);
  });

  it.each([
    ['a 15-digit string', '411111111111111'],
    ['17 digits', '41111111111111111'],
    ['an unknown prefix', '3530111333300000'],
    ['622 followed by 0', '6220000000000000'],
    ['MasterCard 56', '5600000000000000'],
    ['an order id', 'order ORD-4111111111111111'],
    ['an order number after #', 'order #4111111111111111'],
    ['part of a longer number', 'ref 94111111111111111'],
    ['a timestamp', '2026-12-05T13:07:10.123Z 1733400000000'],
    ['mixed separators in a row', '4111  1111 1111 1111'],
  ])('does not match %s', (_what, text) => {
    expect(found('GCTI_CreditCards', text)).toEqual([]);
  });
});

describe('GCTI_SSN', () => {
  it.each([
    ['ssn 123-45-6789', '123-45-6789'],
    ['123456789', '123456789'],
    ['SSN: 078 05 1120.', '078 05 1120'],
  ])('finds the number in %j', (text, ssn) => {
    expect(found('GCTI_SSN', text)).toEqual([ssn]);
  });

  it.each([
    ['area 000', '000-12-3456'],
    ['area 666', '666-12-3456'],
    ['area 9xx', '912-34-5678'],
    ['group 00', '123-00-4567'],
    ['serial 0000', '123-45-0000'],
    ['a 15-digit string', '123456789012345'],
    ['an order id', 'order ORD-123-45-6789'],
    ['a timestamp', '2026-12-05 13:07:10'],
    ['mixed separators', '123-45 6789'],
  ])('does not match %s', (_what, text) => {
    expect(found('GCTI_SSN', text)).toEqual([]);
  });
});

describe('GCTI_PhoneNANPA', () => {
  it.each([
    ['call 212-555-0123', '212-555-0123'],
    ['+1 212 555 0123', '+1 212 555 0123'],
    ['1-800-555-0199', '1-800-555-0199'],
    ['(212) 555-0123', '(212) 555-0123'],
    ['phone:2125550123', '2125550123'],
    ['at 555-0123, thanks', '555-0123'],
    ['212.555.0123', '212.555.0123'],
  ])('finds the number in %j', (text, phone) => {
    expect(found('GCTI_PhoneNANPA', text)).toEqual([phone]);
  });

  it.each([
    ['area code starting with 1', '112-555-0123'],
    ['exchange starting with 0', '212-055-0123'],
    ['a 15-digit string', '212555012345678'],
    ['an order id', 'order ORD-2125550123'],
    ['a timestamp in seconds', '1733400000'],
    ['a date', '2026-12-05'],
    ['a time', '13:07:10'],
  ])('does not match %s', (_what, text) => {
    expect(found('GCTI_PhoneNANPA', text)).toEqual([]);
  });
});

describe('maskText', () => {
  it('replaces only digits by default, keeping separators and the length; positions are first-last, both included', () => {
    const text = 'card 4111 1111 1111 1111 ok';
    const { text: masked, findings } = maskText(text, rules);
    expect(masked).toBe('card **** **** **** **** ok');
    expect(findings.map((f) => [f.rule.id, f.start, f.end])).toEqual([['GCTI_CreditCards', 5, 23]]);
  });

  it('all: every character of what was found', () => {
    const [card] = compilePiiRules(DEFAULT_PII_RULES.slice(0, 1), { spec: 'all', repchar: '#' });
    expect(maskText('card 4111-1111-1111-1111.', [card]).text).toBe('card ###################.');
  });

  it('digits:4 keeps the last four digits', () => {
    const [card] = compilePiiRules(DEFAULT_PII_RULES.slice(0, 1), { spec: 'digits:4', repchar: 'X' });
    expect(maskText('4111 1111 1111 1234', [card]).text).toBe('XXXX XXXX XXXX 1234');
  });

  it('rules apply in their order, each on what the earlier ones left: a card is not found again as a phone', () => {
    const text = 'card 4111111111111111 or 212-555-0123';
    const { text: masked, findings } = maskText(text, rules);
    expect(masked).toBe('card **************** or ***-***-****');
    expect(findings.map((f) => f.rule.id)).toEqual(['GCTI_CreditCards', 'GCTI_PhoneNANPA']);
  });

  it('a rule of its own spec and character overrides the defaults; text without a match is returned as it is', () => {
    const custom = compilePiiRules([{ id: 'r1', name: 'Order', regex: 'ORD-\\d+', spec: 'all', repchar: '-' }], DEFAULTS);
    expect(maskText('see ORD-42', custom).text).toBe('see ------');
    const plain = 'nothing here 12';
    expect(maskText(plain, rules).text).toBe(plain);
    expect(maskText(plain, rules).findings).toEqual([]);
  });

  it('keeps the length with characters beyond the BMP inside a match', () => {
    const custom = compilePiiRules([{ id: 'e', name: 'E', regex: 'x👋x', spec: 'all' }], DEFAULTS);
    expect(maskText('ax👋xb', custom).text).toBe('a****b');
  });
});

describe('rule compilation', () => {
  it('a regular expression that does not compile is refused, naming the rule', () => {
    expect(() =>
      compilePiiRules(
        [
          { id: 'ok', name: 'Ok', regex: '\\d' },
          { id: 'bad-1', name: 'Broken', regex: '(\\d' },
        ],
        DEFAULTS,
      ),
    ).toThrow(/rule 2 \(id "bad-1", name "Broken"\): invalid regular expression/);
  });

  it('a regular expression that matches an empty text is refused', () => {
    expect(() => compilePiiRules([{ id: 'e', name: 'Empty', regex: '\\d*' }], DEFAULTS)).toThrow(/id "e".*matches an empty text/);
  });

  it('a bad spec or character of a rule is refused, naming the rule', () => {
    expect(() => compilePiiRules([{ id: 's', name: 'S', regex: '\\d', spec: 'some' }], DEFAULTS)).toThrow(PiiRuleError);
    expect(() => compilePiiRules([{ id: 'c', name: 'C', regex: '\\d', repchar: '' }], DEFAULTS)).toThrow(/id "c".*empty/);
  });

  it('with a report of invalid rules (rules from UCS): each bad rule is reported by name and left out, the others keep their places', () => {
    const reported: string[] = [];
    const rules = compilePiiRules(
      [
        { id: 'bad-1', name: 'Broken', regex: '(\\d' },
        { id: 'ok', name: 'Ok', regex: '\\d{3}' },
        { id: 'bad-2', name: 'Spec', regex: '\\d', spec: 'some' },
        { id: 'bad-3', name: 'No regex' } as unknown as PiiRuleConfig,
        'not a rule' as unknown as PiiRuleConfig,
      ],
      DEFAULTS,
      (error) => reported.push(error.message),
    );
    expect(rules.map((r) => [r.order, r.id])).toEqual([[2, 'ok']]);
    expect(reported).toEqual([
      expect.stringMatching(/^rule 1 \(id "bad-1", name "Broken"\): invalid regular expression/),
      expect.stringMatching(/^rule 3 \(id "bad-2"/),
      'rule 4: expected a text for regex',
      'rule 5: expected a text for id, name, regex',
    ]);
  });

  it('specs: all, digits, digits:<N>', () => {
    expect(parseSpec('all')).toEqual({ mode: 'all', keep: 0, text: 'all' });
    expect(parseSpec('digits')).toEqual({ mode: 'digits', keep: 0, text: 'digits' });
    expect(parseSpec('digits:4')).toEqual({ mode: 'digits', keep: 4, text: 'digits:4' });
    for (const bad of ['', 'all:2', 'digits:', 'digits:x', 'DIGITS', 'digits:100']) expect(() => parseSpec(bad)).toThrow(PiiRuleError);
  });

  it('the replacement character is the first one given; empty and beyond-BMP ones are refused', () => {
    expect(parseRepchar('#?')).toBe('#');
    expect(() => parseRepchar('')).toThrow(/empty/);
    expect(() => parseRepchar('😀')).toThrow(/Basic Multilingual Plane/);
  });
});

describe('typing preview', () => {
  it('every digit is replaced', () => {
    expect(maskDigits('my card 4111 1111', '*')).toBe('my card **** ****');
  });
});
