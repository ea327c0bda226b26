/**
 * PII rules (`[transcript-cleanup]`): the ordered rules that find sensitive data in a text, how each replaces what
 * it finds, and their compilation. Every rule is compiled once, when the rules are made (at start-up), never per
 * message.
 */

/** How a rule replaces what it found: every character, or only the digits, optionally keeping the last `keep`. */
export interface ReplaceSpec {
  mode: 'all' | 'digits';
  /** Digits left unmasked at the end of what was found (`digits:<N>`); 0 for `all`. */
  keep: number;
  /** The spec as written, reported in `pii-cleanup` (`replaced`). */
  text: string;
}

/** A rule as configured: ordered by its place in the list. */
export interface PiiRuleConfig {
  id: string;
  name: string;
  description?: string;
  /** A JavaScript regular expression (Unicode mode). */
  regex: string;
  /** Overrides `default-spec` for this rule. */
  spec?: string;
  /** Overrides `default-repchar` for this rule. */
  repchar?: string;
}

export interface CompiledPiiRule {
  /** 1-based place in the rule set: `rule-0001` in `pii-cleanup`. */
  order: number;
  id: string;
  name: string;
  description: string;
  /** Global, Unicode; `lastIndex` is reset before each use. */
  pattern: RegExp;
  spec: ReplaceSpec;
  repchar: string;
  /** Digits a text needs before this rule can match it (the default rules); 0: the rule always runs. */
  minDigits: number;
}

export class PiiRuleError extends Error {}

/**
 * What may stand just before and just after sensitive data: the start or end of the text, whitespace, a letter, or
 * one of `( ) , . : ; ? ! " ' \``. So digits inside a longer number, an order id like `ORD-…` or `#…`, or a time
 * stamp never match, and a card number after `card:` or in `(…)` does.
 */
// Written as "not next to anything else" (a negative look at the complement) rather than "the start, or next to one
// of these": the same matches, and several times faster, as the regular expression engine need not try the
// alternative at every position of a text.
const BEFORE = String.raw`(?<![^\s\p{L}(),.:;?!"'\x60])`;
const AFTER = String.raw`(?![^\s\p{L}(),.:;?!"'\x60])`;

/**
 * The rules used when none are configured (the guide's "Default Rules if No Configuration is Provided"):
 * - GCTI_CreditCards: Visa 4xxx, MasterCard 51-55, Discover 6011, 622x (x ≠ 0), 644-649, 65: 16 digits in groups
 *   of four, each group optionally after a space or a dash.
 * - GCTI_SSN: a US Social Security number, area-group-serial optionally separated by dashes or spaces; areas 000,
 *   666 and 900-999, group 00 and serial 0000 are never issued, so never match.
 * - GCTI_PhoneNANPA: a North American number: optional +1, optional area code (in parentheses or not), exchange and
 *   line; area code and exchange start with 2-9; parts optionally separated by a dash, a dot or a space.
 */
export const DEFAULT_PII_RULES: readonly PiiRuleConfig[] = [
  {
    id: 'GCTI_CreditCards',
    name: 'GCTI_CreditCards',
    description: 'Credit card',
    regex: String.raw`${BEFORE}(?:4\d{3}|5[1-5]\d{2}|6011|622[1-9]|64[4-9]\d|65\d{2})[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}${AFTER}`,
  },
  {
    id: 'GCTI_SSN',
    name: 'GCTI_SSN',
    description: 'Social Security number',
    regex: String.raw`${BEFORE}(?!000|666|9)\d{3}([- ]?)(?!00)\d{2}\1(?!0000)\d{4}${AFTER}`,
  },
  {
    id: 'GCTI_PhoneNANPA',
    name: 'GCTI_PhoneNANPA',
    description: 'Phone number using the North American Numbering Plan',
    regex: String.raw`${BEFORE}(?:\+?1[- .]?)?(?:\(?[2-9]\d{2}\)?[- .]?)?[2-9]\d{2}[- .]?\d{4}${AFTER}`,
  },
];

/**
 * Digits each default rule needs at the least (a card 16, an SSN 9, a phone number without area code 7), by its
 * regular expression: a text with fewer is passed over without running it, which is most chat text.
 */
const MIN_DIGITS = new Map(DEFAULT_PII_RULES.map((rule, i) => [rule.regex, [16, 9, 7][i]]));

const SPEC = /^(all|digits)(?::(\d{1,2}))?$/;

/** `all`, `digits`, or `digits:<N>` (keep the last N digits, N up to 99). */
export function parseSpec(text: string): ReplaceSpec {
  const match = SPEC.exec(text);
  if (!match || (match[1] === 'all' && match[2] !== undefined)) throw new PiiRuleError(`expected all, digits or digits:<N>, got ${JSON.stringify(text)}`);
  return { mode: match[1] as 'all' | 'digits', keep: match[2] === undefined ? 0 : Number(match[2]), text };
}

/**
 * The first character of `repchar` (as the guide says). An empty one is refused, and so is one beyond the Basic
 * Multilingual Plane (an emoji): masking keeps a text's length, so that positions stay true.
 */
export function parseRepchar(repchar: string): string {
  if (repchar === '') throw new PiiRuleError('expected a replacement character, got an empty text');
  const code = repchar.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdfff)
    throw new PiiRuleError(`expected a replacement character of the Basic Multilingual Plane, got ${JSON.stringify(repchar)}`);
  return repchar[0];
}

/**
 * Compiles an ordered rule set with the defaults of the rules that set no spec or character of their own.
 * `onInvalid` absent (rules from the configuration): a rule that does not compile stops everything.
 * `onInvalid` given (rules from UCS): such a rule is reported to it and left out, the others keep their places.
 * @throws PiiRuleError naming the rule (its place, id and name) that does not compile, without `onInvalid`.
 */
export function compilePiiRules(
  rules: readonly PiiRuleConfig[],
  defaults: { spec: string; repchar: string },
  onInvalid?: (error: PiiRuleError) => void,
): CompiledPiiRule[] {
  const spec = parseSpec(defaults.spec);
  const repchar = parseRepchar(defaults.repchar);
  const compiled: CompiledPiiRule[] = [];
  rules.forEach((rule, i) => {
    try {
      compiled.push(compileRule(rule, i + 1, spec, repchar));
    } catch (e) {
      if (!onInvalid || !(e instanceof PiiRuleError)) throw e;
      onInvalid(e);
    }
  });
  return compiled;
}

const REQUIRED_TEXTS = ['id', 'name', 'regex'] as const;
const OPTIONAL_TEXTS = ['description', 'spec', 'repchar'] as const;

function compileRule(rule: PiiRuleConfig, order: number, spec: ReplaceSpec, repchar: string): CompiledPiiRule {
  // Rules from UCS come unchecked (the configuration's are checked when it is read).
  const fields: Record<string, unknown> = typeof rule === 'object' && rule !== null ? { ...rule } : {};
  const malformed = [
    ...REQUIRED_TEXTS.filter((key) => typeof fields[key] !== 'string'),
    ...OPTIONAL_TEXTS.filter((key) => fields[key] !== undefined && typeof fields[key] !== 'string'),
  ];
  if (malformed.length > 0) throw new PiiRuleError(`rule ${order}: expected a text for ${malformed.join(', ')}`);
  const named = `rule ${order} (id ${JSON.stringify(rule.id)}, name ${JSON.stringify(rule.name)})`;
  let pattern: RegExp;
  try {
    pattern = new RegExp(rule.regex, 'gu');
  } catch (e) {
    throw new PiiRuleError(`${named}: invalid regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (pattern.test('')) throw new PiiRuleError(`${named}: the regular expression matches an empty text`);
  try {
    return {
      order,
      id: rule.id,
      name: rule.name,
      description: rule.description ?? '',
      pattern,
      spec: rule.spec === undefined ? spec : parseSpec(rule.spec),
      repchar: rule.repchar === undefined ? repchar : parseRepchar(rule.repchar),
      minDigits: MIN_DIGITS.get(rule.regex) ?? 0,
    };
  } catch (e) {
    throw new PiiRuleError(`${named}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Where one rule found something: 0-based first and last UTF-16 positions, both included (`pii-cleanup` `70-81`). */
export interface PiiFinding {
  rule: CompiledPiiRule;
  start: number;
  end: number;
}

const isDigit = (code: number) => code >= 48 && code <= 57;

function countDigits(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (isDigit(text.charCodeAt(i))) count += 1;
  return count;
}

/**
 * `text` with what the rules find replaced, rule after rule in their order (a later rule sees the text as the
 * earlier ones left it), and what each found; the text keeps its length, so positions stay those of the original.
 * Returns the same string and no findings when nothing matched.
 */
export function maskText(text: string, rules: readonly CompiledPiiRule[]): { text: string; findings: PiiFinding[] } {
  let out = text;
  const findings: PiiFinding[] = [];
  // Counted once: masking only takes digits away, so a rule passed over on this count could not match later either.
  let digits = -1;
  for (const rule of rules) {
    if (rule.minDigits > 0) {
      if (digits < 0) digits = countDigits(text);
      if (digits < rule.minDigits) continue;
    }
    const { pattern } = rule;
    pattern.lastIndex = 0;
    let match: RegExpExecArray | null;
    let masked: string[] | undefined;
    while ((match = pattern.exec(out)) !== null) {
      const start = match.index;
      const end = start + match[0].length;
      if (end === start) {
        pattern.lastIndex = start + 1;
        continue;
      }
      masked ??= out.split('');
      replace(masked, start, end, rule);
      findings.push({ rule, start, end: end - 1 });
    }
    if (masked) out = masked.join('');
  }
  return { text: out, findings };
}

function replace(chars: string[], start: number, end: number, rule: CompiledPiiRule): void {
  const { spec, repchar } = rule;
  if (spec.mode === 'all') {
    for (let i = start; i < end; i++) chars[i] = repchar;
    return;
  }
  let keep = spec.keep;
  for (let i = end - 1; i >= start; i--) {
    if (!isDigit(chars[i].charCodeAt(0))) continue;
    if (keep > 0) keep -= 1;
    else chars[i] = repchar;
  }
}

/** Every digit of `text` replaced by `repchar` (typing preview). */
export function maskDigits(text: string, repchar: string): string {
  return text.replace(/\d/g, repchar);
}
