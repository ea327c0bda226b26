import { httpJson, keepAlive } from './clients/http';
import { CHAT_SERVICE } from './servers';

/** The customer REST operations the probe makes, one at a time, in this order (the chat ends with the last). */
export const PROBED_OPERATIONS = ['requestChat', 'send', 'startTyping', 'refresh', 'updateData', 'stopTyping', 'disconnect'] as const;
export type ProbedOperation = (typeof PROBED_OPERATIONS)[number];

/** Engine RPC calls one customer REST operation costs in the cluster, by operation. */
export type RpcCost = Record<ProbedOperation, number>;

const SETTLE_POLL_MS = 100;
/** The engines' counters count as settled when they have not moved for this long (the bridge's calls after a new chat). */
const QUIET_MS = 600;
const SETTLE_LIMIT_MS = 10_000;

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Sum of `ocs_engine_rpc_calls_total` over every engine's `/metrics`. */
async function rpcCalls(metrics: readonly string[]): Promise<number> {
  let total = 0;
  for (const url of metrics) {
    const text = await (await fetch(url)).text();
    for (const match of text.matchAll(/^ocs_engine_rpc_calls_total\{[^}]*\} (\d+(?:\.\d+)?)$/gm)) total += Number(match[1]);
  }
  return total;
}

/** The total once it has stopped moving: what the operation itself, and whatever it set off, cost. */
async function settledCalls(metrics: readonly string[]): Promise<number> {
  const start = Date.now();
  let last = await rpcCalls(metrics);
  let since = Date.now();
  while (Date.now() - since < QUIET_MS && Date.now() - start < SETTLE_LIMIT_MS) {
    await pause(SETTLE_POLL_MS);
    const now = await rpcCalls(metrics);
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return last;
}

/**
 * On an otherwise idle cluster: one customer chat over REST through `gateway`, one operation at a time, and the engine
 * RPC calls each cost (every engine's counter read before and after). `requestChat` includes the interaction bridge's
 * call that binds the new session to its interaction.
 */
export async function probeRpcCost(gateway: string, engineMetrics: readonly string[]): Promise<RpcCost> {
  const agent = keepAlive(1);
  const post = async (path: string, form: Record<string, string>) => {
    const reply = await httpJson<{ statusCode?: number; chatId?: string; userId?: string; secureKey?: string; alias?: string }>(
      agent,
      'POST',
      new URL(`/genesys/2/chat/${CHAT_SERVICE}${path}`, gateway),
      { form },
      { what: `probe ${path}`, timeoutMs: 10_000 },
    );
    if (reply.body.statusCode !== 0) throw new Error(`probe ${path}: ${JSON.stringify(reply.body).slice(0, 300)}`);
    return reply.body;
  };
  try {
    const cost = {} as RpcCost;
    let before = await settledCalls(engineMetrics);
    const created = await post('', { nickname: 'Probe', 'userData[Subject]': 'rpc cost' });
    const identity = { userId: created.userId ?? '', secureKey: created.secureKey ?? '', alias: created.alias ?? '' };
    const fields: Record<Exclude<ProbedOperation, 'requestChat'>, Record<string, string>> = {
      send: { message: 'how many calls is this?' },
      startTyping: {},
      refresh: { transcriptPosition: '1' },
      updateData: { 'userData[Probe]': '1' },
      stopTyping: {},
      disconnect: {},
    };
    for (const operation of PROBED_OPERATIONS) {
      if (operation !== 'requestChat') await post(`/${created.chatId}/${operation}`, { ...identity, ...fields[operation] });
      const after = await settledCalls(engineMetrics);
      cost[operation] = after - before;
      before = after;
    }
    return cost;
  } finally {
    agent.destroy();
  }
}
