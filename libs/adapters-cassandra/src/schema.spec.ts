import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { schemaStatements, upgradeSchema, type SchemaOptions } from './schema';
import { withTestKeyspace } from './test/real-cassandra';

const TWO_WEEKS = 1_209_600;
const simple: SchemaOptions = { keyspace: 'genesys_chat_server', replication: { class: 'SimpleStrategy', replication_factor: 1 } };

describe('schemaStatements: the deploy/cassandra scripts, filled in', () => {
  it('creates the keyspace, selects it and creates the guide’s tables without a cleanup procedure', async () => {
    const statements = await schemaStatements(simple);
    expect(statements.slice(0, 4)).toEqual([
      "CREATE KEYSPACE genesys_chat_server\nWITH REPLICATION = { 'class' : 'SimpleStrategy', 'replication_factor' : 1 }",
      'USE genesys_chat_server',
      expect.stringMatching(/^CREATE TABLE transcripts \(\n.*PRIMARY KEY \(id, creatorid\) \)\nWITH CLUSTERING ORDER BY \(creatorid ASC\)$/s),
      expect.stringMatching(
        /^CREATE TABLE owner \(\n.*ownership_start_time timeuuid,.*PRIMARY KEY \(id, ownership_start_time\) \)\nWITH CLUSTERING ORDER BY \(ownership_start_time DESC\)$/s,
      ),
    ]);
  });

  it('then adds ours: the owner fence on transcripts, the UCS, interaction and routing tables, without cleanup', async () => {
    const ours = (await schemaStatements({ ...simple, ttlCleanup: { defaultTimeToLive: TWO_WEEKS, gcGraceSeconds: 864_000 } })).slice(4);
    expect(ours.slice(0, 2)).toEqual(['ALTER TABLE transcripts ADD owner text static', 'ALTER TABLE transcripts ADD owner_since timestamp static']);
    const created = ours.slice(2).map((statement) => /^CREATE TABLE (\w+)/.exec(statement)?.[1]);
    expect(created).toEqual(
      expect.arrayContaining(['ucs_contacts', 'ucs_contact_emails', 'ucs_interactions', 'ucs_documents', 'interactions', 'routing_state']),
    );
    expect(created.every((table) => table !== undefined)).toBe(true);
    for (const statement of ours.slice(0, -1)) expect(statement).not.toContain('default_time_to_live');
  });

  it('ends with the party keys table, with the cleanup procedure of the guide’s tables when they have it', async () => {
    const plain = (await schemaStatements(simple)).at(-1);
    expect(plain).toMatch(/^CREATE TABLE party_keys \(\n.*PRIMARY KEY \(key_digest\) \)$/s);
    const withCleanup = (await schemaStatements({ ...simple, ttlCleanup: { defaultTimeToLive: TWO_WEEKS, gcGraceSeconds: 864_000 } })).at(-1);
    expect(withCleanup).toMatch(/^CREATE TABLE party_keys \(.*\nWITH default_time_to_live = 1209600 AND gc_grace_seconds = 864000$/s);
  });

  it('adds the time to live and tombstone grace of the cleanup procedure to both tables', async () => {
    const statements = await schemaStatements({ ...simple, ttlCleanup: { defaultTimeToLive: TWO_WEEKS, gcGraceSeconds: 864_000 } });
    for (const table of statements.slice(2, 4)) expect(table).toMatch(/\nAND default_time_to_live = 1209600 AND gc_grace_seconds = 864000$/);
  });

  it('writes other replication strategies as CQL maps, quoting strings', async () => {
    const [createKeyspace] = await schemaStatements({ ...simple, replication: { class: 'NetworkTopologyStrategy', dc1: 3, "o'dc": '2' } });
    expect(createKeyspace).toContain("WITH REPLICATION = { 'class' : 'NetworkTopologyStrategy', 'dc1' : 3, 'o''dc' : '2' }");
  });

  it('refuses keyspace names that would need quoting and times that are not whole seconds', async () => {
    await expect(schemaStatements({ ...simple, keyspace: 'chat; DROP KEYSPACE system' })).rejects.toThrow('Cassandra keyspace name');
    await expect(schemaStatements({ ...simple, keyspace: '1chat' })).rejects.toThrow('Cassandra keyspace name');
    await expect(schemaStatements({ ...simple, ttlCleanup: { defaultTimeToLive: -1, gcGraceSeconds: 0 } })).rejects.toThrow(
      'defaultTimeToLive must be a whole number of seconds',
    );
    await expect(schemaStatements({ ...simple, ttlCleanup: { defaultTimeToLive: 1, gcGraceSeconds: 0.5 } })).rejects.toThrow(
      'gcGraceSeconds must be a whole number of seconds',
    );
  });

  it('reads the scripts from another folder when told, and names a placeholder it has no value for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocs-cql-'));
    try {
      writeFileSync(join(dir, 'keyspace.cql'), '-- ${UNKNOWN} in a comment is ignored\nCREATE KEYSPACE ${KEYSPACE} WITH REPLICATION = ${REPLICATION};');
      for (const ours of ['session-fence.cql', 'ucs-tables.cql', 'interaction-tables.cql', 'routing-tables.cql', 'party-keys.cql'])
        writeFileSync(join(dir, ours), '-- nothing of ours\n');
      writeFileSync(join(dir, 'tables.cql'), 'CREATE TABLE t (id text PRIMARY KEY) WITH comment = ${UNKNOWN};');
      await expect(schemaStatements({ ...simple, scriptsDir: dir })).rejects.toThrow('No value for the placeholder ${UNKNOWN} of the Cassandra schema');
      writeFileSync(join(dir, 'tables.cql'), 'CREATE TABLE t (id text PRIMARY KEY);\n\n');
      expect(await schemaStatements({ ...simple, scriptsDir: dir })).toEqual([
        "CREATE KEYSPACE genesys_chat_server WITH REPLICATION = { 'class' : 'SimpleStrategy', 'replication_factor' : 1 }",
        'CREATE TABLE t (id text PRIMARY KEY)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const GUIDE_TABLES = ['owner', 'transcripts'];
/** Ours, with the guide's cleanup procedure: a party's key lives as long as the transcript rows. */
const CLEANED_AS_GUIDE = [...GUIDE_TABLES, 'party_keys'];
/** Cassandra's own table defaults: no time to live, ten days of tombstone grace. */
const NO_CLEANUP = { defaultTimeToLive: 0, gcGraceSeconds: 864_000 };
const variants: Array<[string, SchemaOptions['ttlCleanup']]> = [
  ['without a cleanup procedure', undefined],
  ['with the cleanup procedure', { defaultTimeToLive: TWO_WEEKS, gcGraceSeconds: 3_600 }],
];

for (const [variant, ttlCleanup] of variants) {
  withTestKeyspace(`applySchema on a real Cassandra, ${variant}`, ttlCleanup, (cassandra) => {
    it('creates the guide’s transcripts and owner tables with their keys, clustering order and cleanup settings, plus the owner fence', async () => {
      const { client, keyspace } = cassandra();
      const columns = await client.execute('SELECT table_name, column_name, type, kind, clustering_order FROM system_schema.columns WHERE keyspace_name = ?', [
        keyspace,
      ]);
      const layout = columns.rows
        .filter((row) => GUIDE_TABLES.includes(row.get('table_name')))
        .map((row) => `${row.get('table_name')}.${row.get('column_name')} ${row.get('type')} ${row.get('kind')} ${row.get('clustering_order')}`)
        .sort();
      expect(layout).toEqual([
        'owner.creatorid text regular none',
        'owner.id text partition_key none',
        'owner.ownership_start_time timeuuid clustering desc',
        'transcripts.creatorid text clustering asc',
        'transcripts.id text partition_key none',
        'transcripts.owner text static none',
        'transcripts.owner_since timestamp static none',
        'transcripts.transcript text regular none',
      ]);
      const tables = await client.execute('SELECT table_name, default_time_to_live, gc_grace_seconds FROM system_schema.tables WHERE keyspace_name = ?', [
        keyspace,
      ]);
      const { defaultTimeToLive, gcGraceSeconds } = ttlCleanup ?? NO_CLEANUP;
      const settings = tables.rows
        .map((row): [string, number, number] => [row.get('table_name'), row.get('default_time_to_live'), row.get('gc_grace_seconds')])
        .sort();
      expect(settings.filter(([table]) => CLEANED_AS_GUIDE.includes(table))).toEqual([
        ['owner', defaultTimeToLive, gcGraceSeconds],
        ['party_keys', defaultTimeToLive, gcGraceSeconds],
        ['transcripts', defaultTimeToLive, gcGraceSeconds],
      ]);
      expect(settings.filter(([table]) => !CLEANED_AS_GUIDE.includes(table)).every(([, ttl]) => ttl === 0)).toBe(true);
    });
  });
}

withTestKeyspace('upgradeSchema on a real Cassandra', undefined, (cassandra) => {
  const tablesOf = async (keyspace: string) =>
    (await cassandra().client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace])).rows
      .map((r) => String(r.get('table_name')))
      .sort();

  it('adds to a Genesys Chat Server keyspace (the guide’s tables with cleanup) every table and column of ours, once, touching no row', async () => {
    const { client } = cassandra();
    const keyspace = `ocs_genesys_${randomBytes(4).toString('hex')}`;
    const guideOnly = (await schemaStatements({ ...simple, keyspace, ttlCleanup: { defaultTimeToLive: TWO_WEEKS, gcGraceSeconds: 3_600 } })).slice(0, 4);
    try {
      for (const statement of guideOnly) await client.execute(statement.replace(/^CREATE TABLE (\w+)/, `CREATE TABLE ${keyspace}.$1`));
      await client.execute(`INSERT INTO ${keyspace}.transcripts (id, creatorid, transcript) VALUES ('s1', 'node-a', 'kept')`);

      const first = await upgradeSchema(client, { keyspace });
      expect(first.ttlCleanup).toBe(true);
      expect(first.applied.slice(0, 2)).toEqual([
        `ALTER TABLE ${keyspace}.transcripts ADD owner text static`,
        `ALTER TABLE ${keyspace}.transcripts ADD owner_since timestamp static`,
      ]);
      const full = await schemaStatements({ ...simple, keyspace });
      const expected = full.flatMap((statement) => /^CREATE TABLE (\w+)/.exec(statement)?.[1] ?? []).sort();
      expect(await tablesOf(keyspace)).toEqual(expected);
      const partyKeys = await client.execute('SELECT default_time_to_live FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?', [
        keyspace,
        'party_keys',
      ]);
      expect(partyKeys.first().get('default_time_to_live')).toBe(TWO_WEEKS);
      const row = await client.execute(`SELECT transcript, owner FROM ${keyspace}.transcripts WHERE id = 's1'`);
      expect(row.rows.map((r) => [r.get('transcript'), r.get('owner')])).toEqual([['kept', null]]);

      expect(await upgradeSchema(client, { keyspace })).toEqual({ applied: [], ttlCleanup: true });
    } finally {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    }
  }, 120_000);

  it('finds nothing to do on a keyspace made by applySchema, and refuses a keyspace that does not exist', async () => {
    const { client, keyspace } = cassandra();
    expect(await upgradeSchema(client, { keyspace })).toEqual({ applied: [], ttlCleanup: false });
    await expect(upgradeSchema(client, { keyspace: 'ocs_no_such_keyspace' })).rejects.toThrow('Cassandra keyspace ocs_no_such_keyspace does not exist');
  });
});
