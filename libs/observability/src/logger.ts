import pino, { DestinationStream, LevelWithSilent, Logger } from 'pino';
import { serializeError } from './error-serializer';

export interface LoggerOptions {
  /** Written into every line as `service`. */
  readonly service: string;
  /** Default: `info`. */
  readonly level?: LevelWithSilent;
  /** What of chat content lines may show; absent: nothing (every such value `[redacted]`). */
  readonly hygiene?: LogHygiene;
}

/** `[log-filter-data]` values: `copy` prints the value, `skip` leaves the key out, `hide` prints `[hidden]`. */
export type LogFilter = 'copy' | 'skip' | 'hide';

/** The Genesys log options over chat content. */
export interface LogHygiene {
  /** `message-log-print-size`: characters of a message text (`text`, `message`) printed; beyond, `[truncated from size=N]`. */
  readonly messagePrintSize: number;
  /** `hide-attached-data`: user data (`userData`) is `[redacted]`; false prints it. */
  readonly hideAttachedData: boolean;
  /** `[log-filter-data] Transcript`: the transcript sent to UCS (`transcript`). */
  readonly transcript: LogFilter;
  /** `[log-filter-data] StructuredText`: a transcript read from UCS (`structuredText`). */
  readonly structuredText: LogFilter;
}

/** Keys whose values are secrets or customer data (PII, chat content); never written to logs. */
const REDACTED_KEYS = [
  'secureKey',
  'secret',
  'password',
  'token',
  'GCTI_Chat_SessionPassword',
  'ChatServerSessionPassword',
  'text',
  'message',
  'nickname',
  'emailAddress',
  'firstName',
  'lastName',
  'userData',
  'authorization',
  'apikey',
  'apiKey',
  'transcript',
  'structuredText',
];
/** Redacted from the top level down to this many levels of nesting (objects or arrays). */
const REDACT_DEPTH = 4;
const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => Array.from({ length: REDACT_DEPTH + 1 }, (_, depth) => [...Array<string>(depth).fill('*'), key].join('.')));

/**
 * Structured JSON logger of one service. A logged error (`err`) shows its message as `reason`, cleaned of long
 * numbers (error-serializer.ts): give errors messages that name identifiers, never customer text.
 */
export function createLogger({ service, level = 'info', hygiene }: LoggerOptions, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: serializeError },
      redact: { paths: REDACT_PATHS, censor: hygiene ? censorFor(hygiene) : '[redacted]' },
    },
    destination,
  );
}

/** The censor of a logger with `hygiene`: per key, what of the value is printed. */
function censorFor(hygiene: LogHygiene): (value: unknown, path: string[]) => unknown {
  const filter = (value: unknown, how: LogFilter) => (how === 'copy' ? value : how === 'hide' ? '[hidden]' : undefined);
  return (value, path) => {
    const key = path[path.length - 1];
    if (key === 'text' || key === 'message') return printed(value, hygiene.messagePrintSize);
    if (key === 'userData') return hygiene.hideAttachedData ? '[redacted]' : value;
    if (key === 'transcript') return filter(value, hygiene.transcript);
    if (key === 'structuredText') return filter(value, hygiene.structuredText);
    return '[redacted]';
  };
}

/** The first `size` characters of a text, and `[truncated from size=N]` (N: its characters) when that is not all of it. */
function printed(value: unknown, size: number): string {
  if (typeof value !== 'string') return '[redacted]';
  const characters = Array.from(value);
  if (characters.length <= size) return value;
  return `${characters.slice(0, size).join('')}[truncated from size=${characters.length}]`;
}
