import { z } from 'zod';
import { boolean, choiceList, integer, integerFromText, refusal, section, text } from './option-types';
import { repchar, TYPING_PREVIEW } from './masking-sections';

/** The sections of chat behaviour: `[settings]`, `[inactivity-control]`, `[client-file-transfer]`, `[language:<name>]`. */

const IDLE_NOTICES = ['none', 'major', 'major2', 'typing', 'all'] as const;
const STOP_ABANDONED = ['always', 'never', 'noagents', 'noanswer'] as const;
const SAVE_NOTICES = ['none', 'major', 'all'] as const;
const ATTACH_STATISTICS = ['none', 'fired', 'all'] as const;
const REP_EVENTS = ['dormant', 'active', 'idle'] as const;
const REP_PLACES = ['none', 'async', 'all'] as const;
/** A comma-separated list of the async phases that send intermediate statistics; empty: none. */
const repEvents = text(
  new RegExp(`^\\s*((${REP_EVENTS.join('|')})\\s*(,\\s*(${REP_EVENTS.join('|')})\\s*)*)?$`),
  `expected a comma-separated list of ${REP_EVENTS.join(', ')}, or nothing`,
).transform(
  (list) =>
    [
      ...new Set(
        list
          .split(',')
          .map((event) => event.trim())
          .filter(Boolean),
      ),
    ] as Array<(typeof REP_EVENTS)[number]>,
);
const SAVE_ON_ERROR = ['close', 'continue'] as const;
const RESTORATION_MODES = ['none', 'simple'] as const;
const RESTORE_EXTENSIONS = ['none', 'agent', 'esp', 'both'] as const;
const PUSH_CONTENT = ['app-dbid', 'secure-key', 'session-id', 'user-id'] as const;
/** Older releases took true/false: false meant never, true meant noanswer. */
const legacyStopAbandoned = (value: unknown) => (value === 'false' || value === false ? 'never' : value === 'true' || value === true ? 'noanswer' : value);

export const chatSections = {
  settings: section({
    'flex-disconnect-timeout': integer(1, 1_728_000).default(45),
    'user-register-timeout': integer(1, 3_600).default(30),
    'session-password-enforce': boolean().default(true),
    'message-max-size': integer(1, 1_048_576).default(16_384),
    'nickname-max-length': integer(1, 1_024).default(128),
    'closed-session-retain-time': integer(0, 86_400).default(60),
    'transcript-max-events': integer(100, 1_000_000).default(10_000),
    'transcript-max-size': integer(65_536, 1_073_741_824).default(4_194_304),
    'message-rate-limit': integer(0, 100_000).default(60),
    'message-rate-interval': integer(1, 3_600).default(10),
    'message-type-max-length': integer(1, 1_024).default(64),
    'user-data-max-keys': integer(1, 10_000).default(100),
    'user-data-max-value-size': integer(1, 1_048_576).default(16_384),
    'user-data-max-size': integer(1, 16_777_216).default(65_536),
    'flex-push-timeout': integer(1, 1_728_000).default(86_400),
    // Push notifications to subscribed customers.
    'flex-push-enabled': boolean().default(true),
    'flex-push-on-join': boolean().default(false),
    'flex-push-resend-attempts': integer(0, 100).default(3),
    'flex-push-resend-delay': integer(1, 86_400).default(15),
    'flex-push-content': choiceList(PUSH_CONTENT).default(['session-id', 'user-id']),
    'session-restore-push-send': boolean().default(false),
    'async-idle-alert': integer(1, 1_728_000).default(86_400),
    'async-idle-close': integer(1, 1_728_000).default(3_600),
    'async-idle-notices': z.enum(IDLE_NOTICES, refusal(`expected one of ${IDLE_NOTICES.join(', ')}`)).default('major'),
    'stop-abandoned-interaction': z
      .preprocess(legacyStopAbandoned, z.enum(STOP_ABANDONED, refusal(`expected one of ${STOP_ABANDONED.join(', ')}`)))
      .default('never'),
    'transcript-save-notices': z.enum(SAVE_NOTICES, refusal(`expected one of ${SAVE_NOTICES.join(', ')}`)).default('major'),
    // Reporting statistics (reporting-attacher); the close wait in milliseconds, the checkpoint's life in seconds.
    'attach-session-statistics': z.enum(ATTACH_STATISTICS, refusal(`expected one of ${ATTACH_STATISTICS.join(', ')}`)).default('none'),
    'attach-stats-rep-events': repEvents.default([]),
    'attach-stats-rep-place': z.enum(REP_PLACES, refusal(`expected one of ${REP_PLACES.join(', ')}`)).default('none'),
    'statistics-close-wait': integer(0, 600_000).default(5_000),
    'statistics-checkpoint-ttl': integer(60, 31_536_000).default(2_592_000),
    'transcript-auto-save': z.preprocess(integerFromText, z.union([z.literal(0), z.literal(1), z.literal(2)], refusal('expected 0, 1 or 2'))).default(0),
    'transcript-save-on-error': z.enum(SAVE_ON_ERROR, refusal(`expected one of ${SAVE_ON_ERROR.join(', ')}`)).default('continue'),
    'transcript-resend-attempts': integer(0, 100).default(3),
    'transcript-resend-delay': integer(0, 3600).default(1),
    'session-restoration-mode': z.enum(RESTORATION_MODES, refusal(`expected one of ${RESTORATION_MODES.join(', ')}`)).default('none'),
    'session-restore-do-purge': boolean().default(false),
    'session-restore-extend-by': z.enum(RESTORE_EXTENSIONS, refusal(`expected one of ${RESTORE_EXTENSIONS.join(', ')}`)).default('none'),
    'limits-control-enabled': boolean().default(false),
    'limit-for-sessions': integer(1, 100_000_000).default(10_000),
    'limits-restore-threshold': integer(1, 100).default(80),
    // Customer API request and reply limits.
    'request-max-fields': integer(10, 100_000).default(200),
    'refresh-max-events': integer(10, 1_000_000).default(1_000),
    'refresh-max-text-size': integer(1_024, 1_073_741_823).default(1_048_576),
    // Log hygiene; PII masking names from before 8.5.103, aliases of [transcript-cleanup] typing-preview and default-repchar.
    'message-log-print-size': integer(0, 7_000).default(0),
    'hide-attached-data': boolean().default(true),
    'transcript-cleanup-typing': z.enum(TYPING_PREVIEW, refusal(`expected one of ${TYPING_PREVIEW.join(', ')}`)).optional(),
    'transcript-cleanup-mask': repchar().optional(),
  }),
  'inactivity-control': section({
    enabled: boolean().default(false),
    'timeout-alert': integer(1, 86_400).default(255),
    'timeout-alert2': integer(0, 86_400).default(0),
    'timeout-close': integer(1, 86_400).default(45),
    'message-alert': z.string(refusal('expected a text')).default('Chat session will be closed soon due to inactivity of chat participants.'),
    'message-alert2': z.string(refusal('expected a text')).default('Chat session will be closed very soon due to inactivity of chat participants.'),
    'message-close': z.string(refusal('expected a text')).default('Chat session closed due to inactivity of chat participants.'),
    'include-notices': z.enum(IDLE_NOTICES, refusal(`expected one of ${IDLE_NOTICES.join(', ')}`)).default('major'),
  }),
  'client-file-transfer': section({
    'upload-max-files': integer(0, 1000).default(3),
    'upload-max-file-size': integer(0, 1_073_741_823).default(2_097_152),
    'upload-max-total-size': integer(0, 1_073_741_823).default(5_242_880),
    'upload-file-types': text(/^[A-Za-z0-9]+(:[A-Za-z0-9]+)*$/, 'expected extensions separated by colons, like jpg:png:pdf')
      .default('bmp:csv:doc:docx:gif:jpeg:jpg:pdf:png:txt:xls:xlsx:zip')
      .transform((list) => list.toLowerCase().split(':')),
    'upload-need-agent': boolean().default(true),
    'download-attempts': integer(0, 1000).default(10),
  }),
};

/** `[language:<name>]`: a language sessions may speak (the guide's Language business attribute); the name as sessions give it. */
export const languageSchema = section({
  // ISO 639 (lower-cased) and ISO 3166 (upper-cased), as the attribute's [code] section.
  language: text(/^[A-Za-z]{2,3}$/, 'expected an ISO 639 language code like es')
    .transform((code) => code.toLowerCase())
    .optional(),
  country: text(/^([A-Za-z]{2}|\d{3})$/, 'expected an ISO 3166 country code like ES')
    .transform((code) => code.toUpperCase())
    .optional(),
  'use-language-as-default': boolean().default(false),
  // As the attribute's [chat-server] section: each text, when set (empty included), replaces the [inactivity-control] one.
  'message-alert': z.string(refusal('expected a text')).optional(),
  'message-alert2': z.string(refusal('expected a text')).optional(),
  'message-close': z.string(refusal('expected a text')).optional(),
}).refine((l) => l.country === undefined || l.language !== undefined, { message: 'country is only used with language: give language too' });
