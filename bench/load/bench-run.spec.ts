import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const { OCS_TEST_CASSANDRA, OCS_TEST_KAFKA_BROKERS, OCS_TEST_REDIS, OCS_REQUIRE_SERVICES } = process.env;
const servers = Boolean(OCS_TEST_CASSANDRA && OCS_TEST_KAFKA_BROKERS && OCS_TEST_REDIS);
if (!servers && OCS_REQUIRE_SERVICES) throw new Error('the bench run test needs OCS_TEST_CASSANDRA, OCS_TEST_KAFKA_BROKERS and OCS_TEST_REDIS');

interface Scenario {
  scenario: string;
  clients: {
    counters: { created: number; closed: number; errors: number };
    accounting: { sent: number; received: number; lost: number; duplicated: number; reordered: number };
    latency: Record<string, { count: number }>;
    errors: Record<string, number>;
  };
  attachLag?: { whole: { count: number } };
  push?: { produced: number; received: number; failed: number };
}

/** Runs the built bench with `args` (its results in a folder of its own) and gives its JSON results. */
async function bench(args: string[]): Promise<{ scenarios: Scenario[]; ceilings: Array<{ product: { rate: number; errors: number } }> }> {
  const out = mkdtempSync(join(tmpdir(), 'ocs-bench-run-'));
  try {
    await run(process.execPath, [join(ROOT, 'dist/bench/load/run.js'), '--quick', '--out', out, ...args], { cwd: ROOT, timeout: 240_000 });
    const file = readdirSync(out).find((name) => name.endsWith('.json'));
    if (!file) throw new Error(`the bench wrote no results in ${out}`);
    return JSON.parse(readFileSync(join(out, file), 'utf8'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Every chat of a churn (about `chats`: the workers' schedules round) was created, routed by the built-in routing to
 * an agent, closed, with nothing lost.
 */
function expectEveryChatRouted(churn: Scenario | undefined, chats: number): void {
  expect(churn?.clients.errors).toEqual({});
  const created = churn?.clients.counters.created ?? 0;
  expect(created).toBeGreaterThanOrEqual(chats);
  expect(created).toBeLessThanOrEqual(chats + 2);
  expect(churn?.clients.counters).toMatchObject({ closed: created, errors: 0 });
  expect(churn?.clients.latency.assignment?.count).toBe(created);
  expect(churn?.clients.accounting).toMatchObject({ sent: 2 * created, received: 2 * created, lost: 0, duplicated: 0, reordered: 0 });
}

/**
 * The benchmark itself works end to end, so that a change of the product's routing or APIs cannot leave it broken
 * until the next performance round: tiny runs of the embedded product (churn and the ceilings) and of the cluster
 * (churn), asserting what the clients saw, not how fast.
 */
(servers ? describe : describe.skip)('npm run bench, tiny runs', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, timeout: 300_000, stdio: 'ignore' });
  }, 300_000);

  it('routes every churn chat to an agent of its worker through the built-in routing, with statistics and pushes (embedded)', async () => {
    const results = await bench(['--only', 'churn,ceilings', '--churn-rate', '10', '--churn-seconds', '2', '--ceiling-seconds', '1', '--warmup-seconds', '0']);
    const churn = results.scenarios.find((s) => s.scenario === 'churn');
    expectEveryChatRouted(churn, 20);
    expect(churn?.attachLag?.whole.count).toBe(churn?.clients.counters.created);
    // Every 4th customer subscribes; each is pushed at least the agent's message.
    expect(churn?.push).toMatchObject({ failed: 0 });
    expect(churn?.push?.received).toBeGreaterThanOrEqual(5);
    expect(results.ceilings.length).toBeGreaterThan(0);
    for (const { product } of results.ceilings) expect(product).toMatchObject({ errors: 0, rate: expect.any(Number) as number });
  }, 240_000);

  it('routes every churn chat through the routing of the cluster’s esp-gateway (cluster)', async () => {
    const results = await bench(['--mode', 'cluster', '--only', 'churn', '--churn-rate', '5', '--churn-seconds', '2']);
    expectEveryChatRouted(
      results.scenarios.find((s) => s.scenario === 'churn'),
      10,
    );
  }, 240_000);
});
