import { messageText } from '../accounting';
import { httpJson, keepAlive } from '../clients/http';
import type { ChatV2Reply } from '../clients/customer';
import type { Measure } from '../measure';
import type { DormantTask, Target } from '../protocol';
import { inPool, type DriverOutcome, type WorkerEnv } from './env';

/** How often the rare messages of dormant customers are sent, in slices. */
const SLICE_MS = 100;

/**
 * Dormant async sessions (`GCTI_Chat_AsyncMode=true`): each customer requests a chat and sends one message, over
 * REST with no polling, and is then away (present in the session, no agent). With `messageIntervalMs`, each sends
 * another message that often, spread evenly. They stay held until the worker stops.
 */
export async function runDormant(task: DormantTask, target: Target, env: WorkerEnv, m: Measure): Promise<DriverOutcome> {
  const start = performance.now();
  const agent = keepAlive(task.concurrency);
  const identities: Array<{ path: string; form: Record<string, string> }> = [];
  const post = (what: string, path: string, form: Record<string, string>) =>
    httpJson<ChatV2Reply>(
      agent,
      'POST',
      new URL(path, target.http),
      { form },
      { what: `dormant ${what}`, localAddress: env.localAddress, timeoutMs: env.timeoutMs },
    ).then(({ status, body }) => {
      if (status !== 200 || body.statusCode !== 0) throw new Error(`dormant ${what}: HTTP ${status}`);
      return body;
    });
  const message = async (identity: { path: string; form: Record<string, string> }) => {
    const started = performance.now();
    await post('send', `${identity.path}/send`, { ...identity.form, message: messageText(1, started, task.messageBytes) });
    m.answered(performance.now() - started);
  };

  await inPool(task.sessions, task.concurrency, async (i) => {
    try {
      const reply = await post('requestChat', `/genesys/2/chat/${task.service}/`, {
        nickname: `Away ${env.index}-${i}`,
        'userData[GCTI_Chat_AsyncMode]': 'true',
      });
      m.counters.created += 1;
      m.counters.held += 1;
      const identity = {
        path: `/genesys/2/chat/${task.service}/${reply.chatId}`,
        form: { userId: reply.userId ?? '', secureKey: reply.secureKey ?? '', alias: reply.alias ?? '' },
      };
      identities.push(identity);
      await message(identity);
    } catch (error) {
      m.error(error);
    }
  });

  const elapsedMs = performance.now() - start;
  if (task.messageIntervalMs <= 0 || identities.length === 0) return { elapsedMs, stop: () => agent.destroy() };
  const perSlice = (identities.length * SLICE_MS) / task.messageIntervalMs;
  let due = 0;
  let next = 0;
  const timer = setInterval(() => {
    for (due += perSlice; due >= 1; due -= 1) {
      void message(identities[next]).catch((error: unknown) => m.error(error));
      next = (next + 1) % identities.length;
    }
  }, SLICE_MS);
  const stop = () => {
    clearInterval(timer);
    agent.destroy();
  };
  return { elapsedMs, stop };
}
