import pino, { DestinationStream, LevelWithSilent, Logger } from 'pino';

export interface LoggerOptions {
  /** Written into every line as `service`. */
  readonly service: string;
  /** Default: `info`. */
  readonly level?: LevelWithSilent;
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
];
/** Redacted from the top level down to this many levels of nesting (objects or arrays). */
const REDACT_DEPTH = 4;
const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => Array.from({ length: REDACT_DEPTH + 1 }, (_, depth) => [...Array<string>(depth).fill('*'), key].join('.')));

/**
 * Structured JSON logger of one service. A logged error's `err.message` is censored too (it is a `message` key),
 * but `err.stack` starts with it: give errors messages that name identifiers, never customer text.
 */
export function createLogger({ service, level = 'info' }: LoggerOptions, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
