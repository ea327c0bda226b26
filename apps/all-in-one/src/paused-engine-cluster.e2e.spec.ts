import { CassandraOwnershipStore } from '@ocs/adapters-cassandra';
import { GmsRestClient, TEST_CLUSTER_SECRETS, until } from '@ocs/testing';
import { clusterFixture, realServers, type ServiceProcess } from './test/cluster';

const servers = realServers();
const AUTH = { 'content-type': 'application/json', authorization: `Bearer ${TEST_CLUSTER_SECRETS['OCS__cluster__internal-secret']}` };
/** The cluster's `node-ttl` (`TestCluster`), in ms. */
const NODE_TTL_MS = 2_000;

/** A call to one engine's RPC, as a gateway makes it: the HTTP status and the body. */
async function rpc(
  engine: ServiceProcess,
  method: string,
  args: unknown[],
): Promise<{ status: number; body: { result?: unknown; error?: Record<string, unknown> } }> {
  const response = await fetch(`${engine.url}/engine/rpc`, { method: 'POST', headers: AUTH, body: JSON.stringify({ method, args }) });
  return { status: response.status, body: (await response.json()) as { result?: unknown; error?: Record<string, unknown> } };
}

/** The sessions an engine holds, as the admin CLI lists them. */
async function held(engine: ServiceProcess): Promise<string[]> {
  const response = await fetch(`${engine.url}/engine/sessions`, { headers: AUTH });
  return ((await response.json()) as { sessions: Array<{ sessionId: string }> }).sessions.map((s) => s.sessionId);
}

const nodeIdOf = (engine: ServiceProcess) => engine.name.replace(/^engine /, '');

(servers ? describe : describe.skip)('cluster: a session engine paused longer than node-ttl, real Cassandra, Kafka and Redis', () => {
  const engines: ServiceProcess[] = [];
  let gateway: ServiceProcess;
  const fixture = clusterFixture(servers, {}, async (cluster) => {
    for (const id of ['p1', 'p2']) engines.push(await cluster.engine(id));
    gateway = await cluster.gateway('g1');
  });

  it('does not answer from its copy of a session another node took over while it was paused, and lets the copy go', async () => {
    const customer = new GmsRestClient(gateway.url);
    expect((await customer.requestChat({ nickname: 'Carol' })).body.statusCode).toBe(0);
    const sessionId = customer.chatId;
    expect((await customer.op('send', { message: 'before the pause' })).body.statusCode).toBe(0);
    const owners = new CassandraOwnershipStore(fixture.cassandra);
    const first = (await owners.owner(sessionId))?.nodeId;
    const paused = engines.find((e) => nodeIdOf(e) === first) as ServiceProcess;
    const other = engines.find((e) => e !== paused) as ServiceProcess;
    expect((await rpc(paused, 'sessionInfo', [sessionId])).body.result).toMatchObject({ sessionId, closed: false });

    paused.child.kill('SIGSTOP');
    try {
      await new Promise((resolve) => setTimeout(resolve, NODE_TTL_MS + 1_000));
      // The customer goes on: the gateway no longer sees the paused node and another restores the session.
      let last: unknown;
      await until(
        async () => {
          const sent = await customer.op('send', { message: 'during the pause' });
          last = sent;
          if (sent.body.statusCode === 0) return true;
          // As a widget does after "try again": not at once (a burst of refusals would look like guessed credentials).
          await new Promise((resolve) => setTimeout(resolve, 300));
          return undefined;
        },
        'the restoration',
        20_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; last reply ${JSON.stringify(last)}; ${other.output.join('').slice(-2000)}`);
      });
      expect((await owners.owner(sessionId))?.nodeId).toBe(nodeIdOf(other));
    } finally {
      paused.child.kill('SIGCONT');
    }

    // At once on its return, and after its heartbeats: refused with the owner named, never its stale copy.
    const refusal = { status: 409, body: { error: { code: 'NOT_OWNER', owner: nodeIdOf(other) } } };
    expect(await rpc(paused, 'sessionInfo', [sessionId])).toMatchObject(refusal);
    await until(async () => ((await held(paused)).includes(sessionId) ? undefined : true), 'the paused node letting its copy go', 10_000);
    expect(await rpc(paused, 'sessionInfo', [sessionId])).toMatchObject(refusal);
    expect(paused.output.join('')).toContain('membership had lapsed');

    // The session goes on at its owner, with everything acknowledged.
    const sent = await customer.op('send', { message: 'after the pause' });
    expect(sent.body.statusCode).toBe(0);
    const info = (await rpc(other, 'sessionInfo', [sessionId])).body.result as { nextPosition: number };
    expect(info.nextPosition).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
