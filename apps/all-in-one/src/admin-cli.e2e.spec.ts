import { connectCassandra } from '@ocs/adapters-cassandra';
import { RedisMembership } from '@ocs/adapters-redis';
import { GmsRestClient, TEST_CLUSTER_SECRETS } from '@ocs/testing';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { TestCluster, freePort, realServers, type ServiceProcess } from './test/cluster';
import { startTestProduct } from './test/product';

const ROOT = resolve(__dirname, '../../..');
const servers = realServers();

/** The admin CLI as an operator runs it (the built `dist/tools/admin.js`), with this environment. */
function admin(args: string[], env: Record<string, string> = { PATH: process.env.PATH ?? '' }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [resolve(ROOT, 'dist/tools/admin.js'), ...args], { env, cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

(servers ? describe : describe.skip)('admin CLI', () => {
  const cluster = new TestCluster(servers ?? { cassandra: '', kafka: '', redis: '' });
  let gateway: ServiceProcess;
  const engines: ServiceProcess[] = [];
  const healthPorts: Record<string, number> = {};
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ocs-admin-'));
    await TestCluster.build();
    await cluster.schema();
    // Each engine serves its KPI counters on a health port of its own, published in the membership; a2 binds it on
    // every interface, as the chart does.
    for (const id of ['a1', 'a2']) {
      healthPorts[id] = await freePort();
      const bind: Record<string, string> = id === 'a2' ? { OCS__server__health_host: '0.0.0.0' } : {};
      engines.push(await cluster.engine(id, { OCS__server__health_port: String(healthPorts[id]), ...bind }));
    }
    gateway = await cluster.gateway('g1');
  }, 360_000);

  afterAll(async () => {
    await cluster.stop();
    await cluster.dropSchema();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  describe('config', () => {
    it('check: says a good file is valid, and names every bad option of a bad one', async () => {
      writeFileSync(join(dir, 'good.yaml'), 'settings:\n  transcript-auto-save: 1\nserver:\n  cors-origins: https://shop.example\n');
      expect(await admin(['config', 'check', join(dir, 'good.yaml')])).toMatchObject({ code: 0, stdout: `${join(dir, 'good.yaml')}: valid\n` });
      writeFileSync(join(dir, 'bad.yaml'), 'settings:\n  flex-disconnect-timeout: -3\n  no-such-option: 1\nkafka:\n  brokers: kafka\n');
      const bad = await admin(['config', 'check', join(dir, 'bad.yaml')]);
      expect(bad.code).toBe(1);
      expect(bad.stdout.split('\n')).toEqual([
        `${join(dir, 'bad.yaml')}: 3 problem(s)`,
        expect.stringMatching(/^ {2}invalid option \[settings\] flex-disconnect-timeout: expected an integer .*got -3$/),
        '  unknown option [settings] no-such-option',
        '  invalid option [kafka] brokers: expected host:port pairs separated by commas, got "kafka"',
        '',
      ]);
    });

    it('import-genesys: writes the options the product has, lists the others with why, and the result checks valid', async () => {
      const ini = join(dir, 'ChatServer.ini');
      writeFileSync(ini, '[settings]\ntranscript-auto-save=2\nsession-restoration-mode = simple\n[log]\nverbose=all\nlevel=info\n[backup-server]\nport=7001\n');
      const out = join(dir, 'imported.yaml');
      const run = await admin(['config', 'import-genesys', ini, '--out', out]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`imported 3 option(s) of ${ini}; 2 not supported:`);
      expect(run.stdout).toContain('[log] verbose (line 5): logs are JSON lines on standard output');
      expect(run.stdout).toContain('[backup-server] port (line 8): primary/backup pairs are replaced by N+1 session engines');
      expect(YAML.parse(readFileSync(out, 'utf8'))).toEqual({
        settings: { 'transcript-auto-save': 2, 'session-restoration-mode': 'simple' },
        log: { level: 'info' },
      });
      expect(readFileSync(out, 'utf8')).toMatch(/^# Not imported:\n# {3}\[log\] verbose: /m);
      expect((await admin(['config', 'check', out])).code).toBe(0);
      const broken = await admin(['config', 'import-genesys', join(dir, 'missing.ini')]);
      expect(broken).toMatchObject({ code: 2, stderr: expect.stringMatching(/^admin: cannot read .*missing\.ini: ENOENT/) });
    });

    it('refuses an unknown flag or command by name, with the usage', async () => {
      expect(await admin(['sessions', 'list', '--nodes', 'a1'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--nodes'") });
      expect(await admin(['session', 'open', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "session open x"') });
      // The PII rule sets command, folded in as a sub-command.
      expect(await admin(['pii-rules', 'show', 'x'])).toMatchObject({ code: 2, stderr: 'admin: tenant dbid must be a whole number, not "x"\n' });
    });
  });

  describe('on an embedded product', () => {
    it('counters: reads the KPI counters at the health port of the configuration, as a table or as the node answers', async () => {
      const healthPort = String(await freePort());
      const product = await startTestProduct({ 'OCS__server__health-port': healthPort });
      const env = { PATH: process.env.PATH ?? '', OCS__server__health_port: healthPort };
      try {
        expect((await new GmsRestClient(product.gateway).requestChat({ nickname: 'Ann' })).status).toBe(200);
        const table = await admin(['counters', '--content', 'set'], env);
        expect(table.code).toBe(0);
        expect(table.stdout).toMatch(/^counter +1\n/);
        expect(table.stdout).toMatch(/^session_created +1$/m);
        expect(table.stdout).toMatch(/^user_joined_flex +1$/m);
        expect(table.stdout).toMatch(/^process_memory +\d+$/m);
        const raw = await admin(['counters', '--raw', '--reset', '--content', 'set'], env);
        expect(Object.keys(JSON.parse(raw.stdout) as object)).toEqual(['process_memory']);
        expect(await admin(['counters', '--node', 'a1'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('--node names a node of a cluster') });
        expect(await admin(['counters'], { PATH: env.PATH })).toMatchObject({
          code: 2,
          stderr: 'admin: the product serves no counters: [server] health-port is not set in this configuration\n',
        });
      } finally {
        await product.embedded.close();
      }
    }, 60_000);
  });

  describe('on the running cluster', () => {
    const env = () => cluster.env({ OCS__log__level: 'silent' });

    it('lists the sessions of each node, shows one and closes it, over the authenticated engine endpoints', async () => {
      const ann = new GmsRestClient(gateway.url);
      expect((await ann.requestChat({ nickname: 'Ann' })).status).toBe(200);
      const listed = await admin(['sessions', 'list', '--json'], env());
      expect(listed.code).toBe(0);
      const nodes = JSON.parse(listed.stdout) as Array<{ nodeId: string; sessions: Array<{ sessionId: string; parties: Record<string, number> }> }>;
      expect(nodes.map((n) => n.nodeId).sort()).toEqual(['a1', 'a2']);
      const holder = nodes.find((n) => n.sessions.some((s) => s.sessionId === ann.chatId));
      expect(holder?.sessions.find((s) => s.sessionId === ann.chatId)?.parties).toEqual({ CLIENT: 1 });
      // No nickname, key or message of a party in the listing.
      expect(listed.stdout).not.toContain('Ann');
      expect(listed.stdout).not.toContain(ann.secureKey);

      const text = await admin(['sessions', 'list', '--node', holder?.nodeId ?? ''], env());
      expect(text.stdout).toMatch(new RegExp(`^node ${holder?.nodeId}: \\d+ session\\(s\\)\\n {2}${ann.chatId} {2}created \\S+ {2}open {2}CLIENT=1`));

      const shown = await admin(['session', 'show', ann.chatId], env());
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout)).toMatchObject({ sessionId: ann.chatId, closed: false, isRestored: false });

      expect(await admin(['session', 'close', ann.chatId], env())).toMatchObject({ code: 0, stdout: `session ${ann.chatId} closed\n` });
      expect(JSON.parse((await admin(['session', 'show', ann.chatId], env())).stdout)).toMatchObject({ closed: true });
      const refresh = await ann.op('refresh');
      expect(refresh.body.chatEnded).toBe(true);

      const unknown = await admin(['session', 'show', 'no-such-session'], env());
      expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/^admin: session no-such-session: /) });
    }, 60_000);

    it('schema apply: creates the keyspace and tables of the configuration once, then refuses to touch them; schema upgrade adds what a keyspace lacks', async () => {
      const keyspace = `ocs_admin_${randomBytes(4).toString('hex')}`;
      const schemaEnv = cluster.env({ OCS__log__level: 'silent', OCS__cassandra__keyspace: keyspace });
      const [host, port] = (servers?.cassandra ?? '').split(':');
      const cassandra = await connectCassandra({ contactPoints: [host], port: Number(port), keyspace: 'system' });
      try {
        expect(await admin(['schema', 'apply', '--replication-factor', '1'], schemaEnv)).toMatchObject({
          code: 0,
          stdout: expect.stringContaining(`created keyspace ${keyspace}`),
        });
        const tables = await cassandra.client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace]);
        expect(tables.rows.map((r) => String(r.table_name))).toEqual(expect.arrayContaining(['transcripts', 'owner']));
        expect(await admin(['schema', 'apply'], schemaEnv)).toMatchObject({
          code: 2,
          stderr: `admin: keyspace ${keyspace} exists already: nothing was changed\n`,
        });
        expect(await admin(['schema', 'apply', '--datacenters', 'dc1'], schemaEnv)).toMatchObject({
          code: 2,
          stderr: expect.stringContaining('--datacenters expects'),
        });
        expect(await admin(['schema', 'upgrade'], schemaEnv)).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing was changed') });
        // A keyspace of the release before the built-in routing: the upgrade adds its table, and only that.
        await cassandra.client.execute(`DROP TABLE ${keyspace}.routing_state`);
        expect(await admin(['schema', 'upgrade'], schemaEnv)).toMatchObject({
          code: 0,
          stdout: `keyspace ${keyspace} upgraded:\n  CREATE TABLE ${keyspace}.routing_state (\n`,
        });
        const upgraded = await cassandra.client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace]);
        expect(upgraded.rows.map((r) => String(r.table_name))).toContain('routing_state');
        const missing = cluster.env({ OCS__log__level: 'silent', OCS__cassandra__keyspace: `${keyspace}_none` });
        expect(await admin(['schema', 'upgrade'], missing)).toMatchObject({ code: 2, stderr: expect.stringContaining(`${keyspace}_none does not exist`) });
      } finally {
        await cassandra.client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
        await cassandra.client.shutdown();
      }
    }, 120_000);

    it('drains a node by its id; the engine endpoints refuse callers without the internal secret', async () => {
      const drained = await admin(['drain', 'a2'], env());
      expect(drained).toMatchObject({ code: 0, stdout: expect.stringMatching(/^node a2 draining: it holds \d+ session\(s\) and takes no new one\n$/) });
      const a2 = engines[1];
      const auth = { authorization: `Bearer ${TEST_CLUSTER_SECRETS['OCS__cluster__internal-secret']}` };
      expect(await (await fetch(`${a2.url}/engine/drain`, { headers: auth })).json()).toMatchObject({ nodeId: 'a2', draining: true });
      expect((await fetch(`${a2.url}/engine/sessions`)).status).toBe(401);
      expect((await fetch(`${a2.url}/engine/sessions`, { headers: { authorization: 'Bearer wrong-secret-of-thirty-two-characters' } })).status).toBe(403);
      expect(await admin(['drain', 'a9'], env())).toMatchObject({ code: 2, stderr: expect.stringContaining('no alive node a9 (alive: ') });
      // Without the secret in its configuration the CLI says which option is missing.
      const noSecret = { ...env() };
      delete noSecret['OCS__cluster__internal-secret'];
      expect(await admin(['sessions', 'list'], noSecret)).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('missing option [cluster] internal-secret'),
      });
    }, 60_000);

    it('counters: reads every node at the health port it publishes, or one node; a node without one is named', async () => {
      // Published with the engine's host (127.0.0.1) by the node bound on every interface too: reachable from elsewhere.
      const membership = new RedisMembership({ url: servers?.redis ?? '', keyPrefix: `${cluster.keyspace}:` });
      try {
        const published = Object.fromEntries((await membership.alive()).map((n) => [n.nodeId, n.healthUrl]));
        expect(published).toEqual({ a1: `http://127.0.0.1:${healthPorts.a1}`, a2: `http://127.0.0.1:${healthPorts.a2}` });
      } finally {
        await membership.close();
      }
      const reset = await admin(['counters', '--reset', '--content', 'set'], env());
      expect(reset.code).toBe(0);
      expect(reset.stdout).toMatch(/^counter +a1 +a2 +total\n/);
      expect(reset.stdout).not.toContain('session_created');
      const bob = new GmsRestClient(gateway.url);
      expect((await bob.requestChat({ nickname: 'Bob' })).status).toBe(200);
      const table = await admin(['counters', '--content', 'set'], env());
      expect(table.stdout).toMatch(/^session_created +[-\d]+ +[-\d]+ +1$/m);
      expect(table.stdout).toMatch(/^process_memory +\d+ +\d+ +\d+$/m);
      const gms = await admin(['counters', '--gms-info'], env());
      expect(gms.stdout).toMatch(/^gms_flex_users +\d+ +\d+ +1$/m);
      const metadata = await admin(['counters', '--metadata'], env());
      expect(metadata.stdout).toMatch(/^counters of node a1, a2:\n/);
      expect(metadata.stdout).toMatch(/^ {2}process_memory +Resident memory of the process in bytes \(a current value, not cumulative\)$/m);

      // One node's answer as it is, for a script; the node is the one named.
      const prometheus = await admin(['counters', '--node', 'a1', '--raw', '--prometheus'], env());
      expect(prometheus).toMatchObject({ code: 0, stdout: expect.stringMatching(/^# HELP session_created /) });
      expect(prometheus.stdout).toMatch(/^# TYPE process_memory gauge\nprocess_memory \d+$/m);
      expect(await admin(['counters', '--raw'], env())).toMatchObject({
        code: 2,
        stderr: "admin: --raw prints one node's answer as it is: name it with --node (nodes: a1, a2)\n",
      });
      // Options the node would silently ignore are refused by name.
      expect(await admin(['counters', '--content', 'bogus'], env())).toMatchObject({
        code: 2,
        stderr: 'admin: --content expects all, new or set, not "bogus"\n',
      });
      expect(await admin(['counters', '--gms-info', '--reset'], env())).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('--gms-info takes no other'),
      });
      expect(await admin(['counters', '--node', 'a9'], env())).toMatchObject({ code: 2, stderr: expect.stringContaining('no alive node a9 (alive: ') });

      await cluster.engine('a3');
      const partial = await admin(['counters'], env());
      expect(partial).toMatchObject({ code: 1, stderr: 'node a3 serves no counters ([server] health-port is not set)\n' });
      expect(partial.stdout).toMatch(/^counter +a1 +a2 +total\n/);
      expect(await admin(['counters', '--node', 'a3'], env())).toMatchObject({
        code: 2,
        stderr: 'admin: node a3 serves no counters ([server] health-port is not set)\n',
      });
    }, 90_000);
  });
});
