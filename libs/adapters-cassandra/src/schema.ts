import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Client } from 'cassandra-driver';

/**
 * The schema's single source of truth is the CQL in `deploy/cassandra/` (keyspace.cql, then tables.cql or
 * tables-ttl.cql), as the Chat Server Administration Guide defines it; this module fills its `${NAME}`
 * placeholders and runs it.
 */

/** A replication map, e.g. `{ class: 'SimpleStrategy', replication_factor: 3 }` or `{ class: 'NetworkTopologyStrategy', dc1: 3 }`. */
export type Replication = { class: string } & Record<string, string | number>;

export interface SchemaOptions {
  keyspace: string;
  replication: Replication;
  /** Uses tables-ttl.cql: Cassandra itself deletes rows older than `defaultTimeToLive` seconds. */
  ttlCleanup?: { defaultTimeToLive: number; gcGraceSeconds: number };
  /** Where the .cql files are; default: the `deploy/cassandra` folder above this module (in the repository or its build). */
  scriptsDir?: string;
}

const SCRIPT_MARKER = 'keyspace.cql';
/** Our additions for the cluster mode (not in the guide), applied after the guide's tables; no cleanup procedure. */
const CLUSTER_SCRIPTS = ['session-fence.cql', 'ucs-tables.cql', 'interaction-tables.cql', 'routing-tables.cql'];
/** Ours, with the guide's cleanup procedure when the guide's tables have it: the sessions of the parties' secure keys. */
const PARTY_KEYS = { plain: 'party-keys.cql', ttl: 'party-keys-ttl.cql' };

/** Accepts a keyspace name that CQL takes unquoted (so it needs no escaping in statements) and answers it. */
export function checkKeyspaceName(keyspace: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(keyspace)) {
    throw new Error(`Cassandra keyspace name "${keyspace}" must be a letter then up to 47 letters, digits or underscores`);
  }
  return keyspace;
}

function defaultScriptsDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'deploy', 'cassandra');
    if (existsSync(join(candidate, SCRIPT_MARKER))) return candidate;
    if (dirname(dir) === dir) throw new Error(`No deploy/cassandra/${SCRIPT_MARKER} above ${__dirname}; pass scriptsDir`);
  }
}

function cqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The replication map as the guide writes it: `{ 'class' : 'SimpleStrategy', 'replication_factor' : 1 }`. */
function replicationMap(replication: Replication): string {
  const entries = Object.entries(replication).map(([key, value]) => `${cqlString(key)} : ${typeof value === 'number' ? value : cqlString(value)}`);
  return `{ ${entries.join(', ')} }`;
}

function seconds(name: string, value: number): string {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of seconds, not ${value}`);
  return String(value);
}

/** The statements of a script: `--` comment lines dropped, split at `;`, placeholders filled. */
function statements(script: string, values: Record<string, string>): string[] {
  return script
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(';')
    .map((statement) => statement.trim())
    .filter(Boolean)
    .map((statement) =>
      statement.replace(/\$\{([A-Z_]+)\}/g, (_placeholder, name: string) => {
        const value = values[name];
        if (value === undefined) throw new Error(`No value for the placeholder \${${name}} of the Cassandra schema`);
        return value;
      }),
    );
}

/** The CQL statements `applySchema` runs, in order. */
export async function schemaStatements(options: SchemaOptions): Promise<string[]> {
  const dir = options.scriptsDir ?? defaultScriptsDir();
  const { ttlCleanup } = options;
  const values: Record<string, string> = {
    KEYSPACE: checkKeyspaceName(options.keyspace),
    REPLICATION: replicationMap(options.replication),
    ...(ttlCleanup && {
      DEFAULT_TIME_TO_LIVE: seconds('defaultTimeToLive', ttlCleanup.defaultTimeToLive),
      GC_GRACE_SECONDS: seconds('gcGraceSeconds', ttlCleanup.gcGraceSeconds),
    }),
  };
  const scripts = [SCRIPT_MARKER, ttlCleanup ? 'tables-ttl.cql' : 'tables.cql', ...CLUSTER_SCRIPTS, ttlCleanup ? PARTY_KEYS.ttl : PARTY_KEYS.plain];
  const texts = await Promise.all(scripts.map((file) => readFile(join(dir, file), 'utf8')));
  return texts.flatMap((text) => statements(text, values));
}

/**
 * Creates the keyspace and the `transcripts` and `owner` tables (fails if the keyspace exists, as the guide's
 * scripts do). The scripts' `USE` makes the keyspace the client's current one.
 */
export async function applySchema(client: Client, options: SchemaOptions): Promise<void> {
  for (const statement of await schemaStatements(options)) await client.execute(statement);
}

/** `upgradeSchema` was given a keyspace that does not exist (create it with `applySchema`). */
export class KeyspaceMissingError extends Error {}

/** What `upgradeSchema` found and did. */
export interface SchemaUpgrade {
  /** The statements it ran, in order (empty when the keyspace had everything). */
  applied: string[];
  /** Whether the keyspace's guide tables have the cleanup procedure (a time to live), which new guide tables then get too. */
  ttlCleanup: boolean;
}

/**
 * Brings an existing keyspace up to this release's schema: runs the statements of `deploy/cassandra` that create a
 * table the keyspace lacks or add a column a table lacks, and nothing else (no data is touched, no table altered
 * otherwise). A keyspace made with the cleanup procedure gets new guide tables with the same time to live and
 * tombstone grace. Refuses a keyspace that does not exist. Running it again finds nothing to do.
 */
export async function upgradeSchema(client: Client, options: Omit<SchemaOptions, 'replication' | 'ttlCleanup'>): Promise<SchemaUpgrade> {
  const keyspace = checkKeyspaceName(options.keyspace);
  const exists = await client.execute('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace]);
  if (exists.rowLength === 0) throw new KeyspaceMissingError(`Cassandra keyspace ${keyspace} does not exist: create it first`);
  const tables = await client.execute('SELECT table_name, default_time_to_live, gc_grace_seconds FROM system_schema.tables WHERE keyspace_name = ?', [
    keyspace,
  ]);
  const columns = await client.execute('SELECT table_name, column_name FROM system_schema.columns WHERE keyspace_name = ?', [keyspace]);
  const haveTables = new Set(tables.rows.map((row) => String(row.get('table_name'))));
  const haveColumns = new Set(columns.rows.map((row) => `${row.get('table_name')}.${row.get('column_name')}`));
  const transcripts = tables.rows.find((row) => row.get('table_name') === 'transcripts');
  const ttl = Number(transcripts?.get('default_time_to_live') ?? 0);
  const ttlCleanup = ttl > 0 ? { defaultTimeToLive: ttl, gcGraceSeconds: Number(transcripts?.get('gc_grace_seconds')) } : undefined;
  const all = await schemaStatements({ ...options, keyspace, replication: { class: 'SimpleStrategy', replication_factor: 1 }, ttlCleanup });
  const missing = all
    .filter((statement) => {
      const created = /^CREATE TABLE (\w+)/.exec(statement);
      if (created) return !haveTables.has(created[1]);
      const added = /^ALTER TABLE (\w+) ADD (\w+)/.exec(statement);
      if (added) return !haveColumns.has(`${added[1]}.${added[2]}`);
      if (/^(CREATE KEYSPACE|USE) /.test(statement)) return false;
      throw new Error(`The Cassandra schema has a statement an upgrade cannot judge: ${statement.split('\n')[0]}`);
    })
    .map((statement) => statement.replace(/^(CREATE TABLE|ALTER TABLE) (\w+)/, `$1 ${keyspace}.$2`));
  for (const statement of missing) await client.execute(statement);
  return { applied: missing, ttlCleanup: ttlCleanup !== undefined };
}
