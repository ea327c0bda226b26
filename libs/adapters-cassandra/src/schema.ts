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
  const scripts = [SCRIPT_MARKER, ttlCleanup ? 'tables-ttl.cql' : 'tables.cql', ...CLUSTER_SCRIPTS];
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
