/**
 * How a logged error (`err`) is written: its type, code, `reason` (the message) and stack, and those of its causes,
 * so that the cause of a failed start or a refused connection (`connect ECONNREFUSED 10.0.0.7:9042`) reads at
 * once. The message is not under a `message` key (which log hygiene censors, as chat text), but it is cleaned: runs
 * of nine digits or more (card, social security and phone numbers) are hidden, and the message of a `SyntaxError`,
 * which may quote the input it could not parse, is left out.
 */
export interface LoggedError {
  type: string;
  reason: string;
  code?: string;
  stack?: string;
  cause?: LoggedError | string;
}

/** Nine digits or more, each after at most two spaces, dashes or parentheses: never an address or a port. */
const LONG_NUMBER = /\d(?:[ ()-]{0,2}\d){8,}/g;
const MAX_CAUSES = 5;

function clean(text: string): string {
  return text.replace(LONG_NUMBER, '[digits]');
}

export function serializeError(error: unknown, depth = 0): LoggedError | string {
  if (!(error instanceof Error)) return clean(String(error));
  const quotesInput = error instanceof SyntaxError;
  const reason = quotesInput ? '[not logged: may quote its input]' : clean(error.message);
  const stack = error.stack && (quotesInput ? error.stack.split('\n').slice(1).join('\n') : clean(error.stack));
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    reason,
    ...(typeof code === 'string' ? { code } : {}),
    ...(stack ? { stack } : {}),
    ...(error.cause !== undefined && depth < MAX_CAUSES ? { cause: serializeError(error.cause, depth + 1) } : {}),
  };
}
