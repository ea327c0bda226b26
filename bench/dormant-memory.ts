/**
 * Memory per dormant async session: a customer present, no agent, a couple of messages, held by the engine
 * on the in-memory adapters (as the embedded mode holds it). Run: `npm run bench:dormant [-- <sessions>]`.
 */
import { MemoryEventBus, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { DEFAULT_RULES } from '@ocs/chat-domain';
import { ChatEngine } from '@ocs/chat-engine';
import { CryptoIds, systemClock } from '@ocs/ports';

function settle(): { heap: number; rss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

async function main(): Promise<void> {
  const sessions = Number(process.argv[2] ?? 20_000);
  const bus = new MemoryEventBus();
  const engine = new ChatEngine({ clock: systemClock, ids: new CryptoIds(), rules: DEFAULT_RULES, store: new MemoryTranscriptStore(), bus });
  const before = settle();
  for (let i = 0; i < sessions; i++) {
    const { party } = await engine.createSession({
      creator: { userType: 'CLIENT', nickname: `Customer ${i}`, protocol: 'FLEX', clientVersion: 106 },
      userData: { GCTI_Chat_AsyncMode: 'true', Subject: 'order status', GCTI_LanguageCode: 'en-US' },
    });
    await engine.message(party, { text: 'Hello, is my order on its way?' });
  }
  await bus.idle();
  const after = settle();
  const perSession = (bytes: number) => Math.round(bytes / sessions);
  const result = {
    sessions: engine.sessionCount,
    heapBytesPerSession: perSession(after.heap - before.heap),
    rssBytesPerSession: perSession(after.rss - before.rss),
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main();
