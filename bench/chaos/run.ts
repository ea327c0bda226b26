/**
 * The chaos run: the cluster on the real servers, hundreds of live chats, and a seeded schedule of faults (SIGKILL
 * of random product processes, SIGSTOP pauses longer than the node TTL, a gateway drained and replaced, each real
 * server stopped once); at the end every client's record is checked against the stores. Bounded, loopback only.
 *
 *   npm run chaos [-- --seed N] [--chats 500] [--kill-window 120] [--servers cassandra,kafka,redis|none] [--out dir]
 *
 * Exits non-zero when a check fails, listing each violation.
 */
import { CassandraOwnershipStore, CassandraTranscriptStore, connectCassandra } from '@ocs/adapters-cassandra';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { runChats, type ChatPlan } from './chats';
import type { ChaosAgent } from './agents';
import { checkChat, checkPushes, checkRouting, errorCounts, type ReceivedPush } from './checks';
import { ChaosCluster, NODE_TTL_MS } from './cluster';
import { runFaults } from './faults';
import { say, Timeline, type ChatRecord } from './records';
import { writeReport, type ChaosSummary } from './report';
import { RoutingDesk } from './routing-desk';
import { describeSchedule, schedule } from './schedule';
import { checkStatistics } from './statistics';

export interface ChaosOptions {
  seed: number;
  chats: number;
  killWindowMs: number;
  /** A kill this often (10 s in the full run). */
  killEveryMs: number;
  drain: boolean;
  servers: string[];
  pauses: number;
  outDir: string;
  command: string;
}

/** A custom-http push receiver on loopback that records every notification and answers 200. */
async function pushReceiver(): Promise<{ url: string; received: ReceivedPush[]; close(): Promise<void> }> {
  const received: ReceivedPush[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      const deviceId = String((JSON.parse(raw) as { deviceId?: string }).deviceId ?? '');
      received.push({ id: String(request.headers['x-push-notification-id'] ?? ''), deviceId, raw });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/push`, received, close: () => new Promise((done) => server.close(() => done())) };
}

/** Runs one chaos run; resolves with its summary (violations empty when every check passed). */
export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  mkdirSync(options.outDir, { recursive: true });
  const receiver = await pushReceiver();
  const cluster = new ChaosCluster(resolve(options.outDir, `chaos-${options.seed}.log`), receiver.url);
  await cluster.start();
  const cassandra = await connectCassandra({
    contactPoints: [cluster.servers.cassandra.host],
    port: cluster.servers.cassandra.port,
    keyspace: cluster.keyspace,
  });
  try {
    const rampMs = Math.min(20_000, options.chats * 40);
    const faults = schedule({
      seed: options.seed,
      killEveryMs: options.killEveryMs,
      killWindowMs: options.killWindowMs,
      killable: cluster.names(),
      restartMs: [1_000, 3_000],
      pausable: cluster.names('engine'),
      pauses: options.pauses,
      nodeTtlMs: NODE_TTL_MS,
      drainable: options.drain ? cluster.names('gateway') : [],
      servers: options.servers,
      serverDownMs: [5_000, 10_000],
    });
    say(describeSchedule(options.seed, faults));
    const plan: ChatPlan = { chats: options.chats, sessionMs: options.killWindowMs + 10_000, messagesPerSide: 6, chatsPerAgent: 4, pollMs: 2_000 };
    const startedAt = Date.now();
    const timeline = new Timeline(startedAt);
    const records: ChatRecord[] = [];
    const writeRecords = () =>
      writeFileSync(
        resolve(options.outDir, `chaos-${options.seed}-records.json`),
        JSON.stringify(records.map((r) => ({ ...r, customerRead: [...r.customerRead], customerPositions: undefined }))),
      );
    const owners = new CassandraOwnershipStore(cassandra);
    const espGateways = cluster.names('esp');
    let espCalls = 0;
    const esp = async (record: ChatRecord, text: string) => {
      const row = (
        await cassandra.client.execute(`SELECT interaction_id FROM ${cluster.keyspace}.interactions_by_session WHERE session_id = ?`, [record.sessionId])
      ).first();
      if (!row) throw new Error('timeout: no interaction yet');
      // A workflow's request goes to either esp-gateway (another one at each attempt), as behind a load balancer.
      const response = await fetch(`${cluster.url(espGateways[espCalls++ % espGateways.length])}/esp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${cluster.espSecret}` },
        body: JSON.stringify({ Service: 'Chat', Method: 'Message', Parameters: { MessageText: text }, UserData: { InteractionId: row.get('interaction_id') } }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json().catch(() => ({}))) as { Event?: string };
      if (!response.ok || body.Event !== 'Event3rdServerResponse') throw new Error(`HTTP ${response.status} ${body.Event ?? ''}`);
    };
    const desk = new RoutingDesk<ChaosAgent>();
    const chats = runChats(cluster, plan, timeline, esp, rampMs, records, desk);
    const faultsDone = runFaults(
      cluster,
      faults,
      startedAt + rampMs,
      () => records,
      async (id) => (await owners.owner(id))?.nodeId,
    );
    // Progress every 10 s: what the chats still running are doing (this also keeps the process alive while they wait).
    const progress = setInterval(() => {
      const doing = new Map<string, number>();
      for (const r of records) if (r.current) doing.set(r.current, (doing.get(r.current) ?? 0) + 1);
      writeRecords();
      say(`[chaos] +${Math.round((Date.now() - startedAt) / 1000)}s chats under way: ${[...doing].map(([op, n]) => `${n} ${op}`).join(', ') || 'none'}`);
    }, 10_000);
    const [, outcome] = await Promise.all([chats, faultsDone]).finally(() => clearInterval(progress));
    await new Promise((done) => setTimeout(done, 5_000));
    const store = new CassandraTranscriptStore(cassandra, 'chaos');
    const violations = [...outcome.violations];
    for (const record of records) {
      const state = record.sessionId ? await store.load(record.sessionId) : undefined;
      violations.push(...checkChat(record, state && { status: state.status, transcript: state.transcript }));
    }
    violations.push(...checkPushes(records, receiver.received));
    violations.push(...checkRouting(records, (sessionId) => desk.chat(sessionId)));
    const statistics = await checkStatistics(cassandra, { brokers: cluster.servers.kafka, prefix: `${cluster.keyspace}.` }, records, async (record) => {
      const state = await store.load(record.sessionId);
      return (state?.transcript ?? []).filter((e) => e.kind === 'message' && e.text?.startsWith(`c${record.index} customer `)).length;
    });
    violations.push(...statistics.violations);
    const summary: ChaosSummary = {
      command: options.command,
      seed: options.seed,
      chats: options.chats,
      durationS: Math.round((Date.now() - startedAt) / 1000),
      faults,
      happened: outcome.happened,
      acknowledged: records.reduce((n, r) => n + r.acked.length, 0),
      errors: errorCounts(records),
      pushes: receiver.received.length,
      pushIds: new Set(receiver.received.map((p) => p.id)).size,
      routed: records.filter((r) => desk.chat(r.sessionId).routed.length > 0).length,
      statisticsAttached: statistics.attached,
      closed: records.filter((r) => r.scriptClosedAt !== undefined).length,
      violations,
    };
    say(`[chaos] report: ${writeReport(options.outDir, summary, timeline)}`);
    writeRecords();
    return summary;
  } finally {
    await cassandra.client.shutdown();
    await cluster.stop();
    await receiver.close();
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const seed = Number(arg('seed') ?? Math.floor(Math.random() * 1_000_000));
  const servers = (arg('servers') ?? 'cassandra,kafka,redis').split(',').filter((s) => s && s !== 'none');
  runChaos({
    seed,
    chats: Number(arg('chats') ?? 500),
    killWindowMs: Number(arg('kill-window') ?? 120) * 1000,
    killEveryMs: 10_000,
    drain: true,
    servers,
    pauses: Number(arg('pauses') ?? 2),
    outDir: resolve(arg('out') ?? resolve(__dirname, '../../../bench/results')),
    command: `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim(),
  }).then(
    (summary) => {
      for (const v of summary.violations) process.stderr.write(`VIOLATION ${v}\n`);
      say(`[chaos] seed ${seed}: ${summary.chats} chats, ${summary.acknowledged} acknowledged, ${summary.violations.length} violations`);
      process.exit(summary.violations.length === 0 ? 0 : 1);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(2);
    },
  );
}
