import type { FanOut } from '@ocs/ports';

/**
 * Listens on `channel` for the answer `match` picks out, runs `publish` (the command asking for it), and resolves
 * with the answer, or undefined if none is heard within `waitMs` (or once `abandon` aborts). Listening starts
 * before the command is sent, so a quick answer is not missed.
 */
export async function awaitAnswer<T>(
  fanOut: FanOut,
  channel: string,
  match: (message: unknown) => T | undefined,
  waitMs: number,
  publish: () => Promise<void>,
  abandon?: AbortSignal,
): Promise<T | undefined> {
  let settle: (answer: T | undefined) => void = () => undefined;
  const answered = new Promise<T | undefined>((resolve) => (settle = resolve));
  const unsubscribe = await fanOut.subscribe(channel, (message) => {
    const answer = match(JSON.parse(message));
    if (answer !== undefined) settle(answer);
  });
  const timer = setTimeout(() => settle(undefined), waitMs);
  abandon?.addEventListener('abort', () => settle(undefined));
  try {
    await publish();
    return await answered;
  } finally {
    clearTimeout(timer);
    await unsubscribe();
  }
}
