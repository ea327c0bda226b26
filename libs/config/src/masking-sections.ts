import { z } from 'zod';
import { boolean, integer, jsonFromText, refusal, section, text } from './option-types';

/** The sections of PII masking (`[transcript-cleanup]`) and of what logs show of chat content (`[log-filter-data]`). */

const LOG_FILTERS = ['copy', 'skip', 'hide'] as const;
const APPLY_AREAS = ['never', 'always', 'history-all', 'history-final'] as const;
const APPLY_CONFIGS = ['cfg', 'ucs', 'mix'] as const;
const CLEAN_SUBJECT = ['never', 'history', 'interaction', 'both'] as const;
export const TYPING_PREVIEW = ['none', 'any', 'message', 'notice'] as const;
const REPLACE_SPEC = /^(all|digits(:\d{1,2})?)$/;
const replaceSpec = () => text(REPLACE_SPEC, 'expected all, digits or digits:<N> (keep the last N digits, N up to 99)');
/** A replacement character: the first one given is used; it must be one UTF-16 unit, as masking keeps a text's length. */
export const repchar = () =>
  z
    .string(refusal('expected a replacement character'))
    .min(1, 'expected a replacement character, got an empty text')
    .refine((c) => !/^[\uD800-\uDFFF]/.test(c), 'expected a replacement character of the Basic Multilingual Plane');
const piiRuleRefused = refusal('expected { id, name, description?, regex, spec?, repchar? }', false);
const piiRule = z.strictObject(
  {
    id: text(/\S/, 'expected a rule id'),
    name: text(/\S/, 'expected a rule name'),
    description: z.string(refusal('expected a text')).optional(),
    regex: z.string(refusal('expected a regular expression')).min(1, 'expected a regular expression, got an empty text'),
    spec: replaceSpec().optional(),
    repchar: repchar().optional(),
  },
  piiRuleRefused,
);
/** Every rule compiles (JavaScript, Unicode mode) and never matches an empty text; the message names the rule. */
const piiRules = z
  .array(piiRule, refusal('expected a (JSON) list of rules { id, name, description?, regex, spec?, repchar? }', false))
  .superRefine((rules, ctx) => {
    rules.forEach((rule, i) => {
      const named = `rule ${i + 1} (id ${JSON.stringify(rule.id)}, name ${JSON.stringify(rule.name)})`;
      let problem: string | undefined;
      try {
        if (new RegExp(rule.regex, 'u').test('')) problem = 'the regular expression matches an empty text';
      } catch (e) {
        problem = e instanceof Error ? e.message : `invalid regular expression: ${String(e)}`;
      }
      if (problem) ctx.addIssue({ code: 'custom', path: [i, 'regex'], message: `${named}: ${problem}` });
    });
  });

export const maskingSections = {
  'transcript-cleanup': section({
    'apply-config': z.enum(APPLY_CONFIGS, refusal(`expected one of ${APPLY_CONFIGS.join(', ')}`)).default('mix'),
    // Ours: how often the rule sets of apply-config ucs or mix are read again from UCS.
    'ucs-refresh-interval': integer(1, 86_400).default(60),
    'apply-area': z.enum(APPLY_AREAS, refusal(`expected one of ${APPLY_AREAS.join(', ')}`)).default('never'),
    // Absent: the legacy [settings] name, else their defaults (`*`, `none`).
    'default-repchar': repchar().optional(),
    'default-spec': replaceSpec().default('digits'),
    'unmask-live-dialog': boolean().default(false),
    'allow-bot-unmask': boolean().default(false),
    'clean-subject': z.enum(CLEAN_SUBJECT, refusal(`expected one of ${CLEAN_SUBJECT.join(', ')}`)).default('never'),
    'typing-preview': z.enum(TYPING_PREVIEW, refusal(`expected one of ${TYPING_PREVIEW.join(', ')}`)).optional(),
    // Ours: the ordered rule set; empty: the default rules (GCTI_CreditCards, GCTI_SSN, GCTI_PhoneNANPA).
    rules: z.preprocess(jsonFromText, piiRules).default([]),
  }),
  'log-filter-data': section({
    Transcript: z.enum(LOG_FILTERS, refusal(`expected one of ${LOG_FILTERS.join(', ')}`)).default('hide'),
    StructuredText: z.enum(LOG_FILTERS, refusal(`expected one of ${LOG_FILTERS.join(', ')}`)).default('hide'),
  }),
};
