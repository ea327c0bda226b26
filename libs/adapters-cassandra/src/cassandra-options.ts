import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { Client, policies, tracker, types, type ClientOptions, type QueryOptions } from 'cassandra-driver';
import { shutDownReplacedHosts } from './replaced-hosts';
import { checkKeyspaceName } from './schema';
import type { StoreMetrics } from '@ocs/ports';

/**
 * The `[encryption]` section of the Genesys Chat Server Cassandra RAP object. Empty strings count as not set,
 * as in a RAP whose options are present but blank.
 */
export interface CassandraEncryption {
  enabled?: boolean;
  /** `trusted-cert-dir`: every `.pem` file in it is a trusted (node or CA) certificate. */
  trustedCertDir?: string;
  /** `client-certificate-file`: PEM certificate for client authentication. */
  clientCertificateFile?: string;
  /** `client-private-key-file`: PEM private key of the client certificate (keep it out of trustedCertDir). */
  clientPrivateKeyFile?: string;
  /** `password`: passphrase of the private key. */
  password?: string;
  /** `verify-peer-cert` (default true): refuse nodes whose certificate is not trusted. */
  verifyPeerCert?: boolean;
  /** `verify-peer-identity` (default true): refuse nodes whose certificate names another host. */
  verifyPeerIdentity?: boolean;
}

/** The Genesys Chat Server Cassandra RAP options (`[cassandra]` and `[encryption]` sections) this adapter reads. */
export interface CassandraOptions {
  /** Node addresses (`contact-points`); prefer `127.0.0.1` to `localhost`, which may resolve to `::1`. */
  contactPoints: string[];
  /** Native transport port (default 9042). */
  port?: number;
  /** Data center whose nodes coordinate requests (default `datacenter1`, the name SimpleSnitch gives). */
  localDataCenter?: string;
  keyspace: string;
  /** Consistency of reads: a Cassandra level by name, any case, e.g. `one`, `QUORUM`, `local_quorum` (default `quorum`). */
  readConsistency?: string;
  /** Consistency of writes, named as `readConsistency` (default `quorum`). */
  writeConsistency?: string;
  username?: string;
  password?: string;
  encryption?: CassandraEncryption;
  /** Told of each statement's time or failure; none: nothing measured. */
  metrics?: StoreMetrics;
}

/** A connected client and what the stores need from the options. Shut it down with `client.shutdown()`. */
export interface CassandraContext {
  client: Client;
  keyspace: string;
  readConsistency: types.consistencies;
  writeConsistency: types.consistencies;
}

const DEFAULT_PORT = 9042;
const RECONNECT_MAX_DELAY_MS = 10_000;
const DEFAULT_DATA_CENTER = 'datacenter1';
const DEFAULT_CONSISTENCY = 'quorum';
/** Serial levels only qualify conditional updates; they are not valid for plain reads and writes. */
const SERIAL_LEVELS = new Set(['serial', 'localserial']);

function given(value: string | undefined): string | undefined {
  return value?.trim() ? value : undefined;
}

/** The driver's consistency for a level name: `local_quorum`, `LOCAL_QUORUM`, `localQuorum` and `local-quorum` alike. */
export function consistencyLevel(name: string): types.consistencies {
  const wanted = name.trim().toLowerCase().replace(/[_-]/g, '');
  const match = Object.entries(types.consistencies).find(([level]) => level.toLowerCase() === wanted);
  if (!match || SERIAL_LEVELS.has(wanted)) throw new Error(`Unknown Cassandra consistency level "${name}"`);
  return match[1] as types.consistencies;
}

/** TLS options of the driver for the RAP `[encryption]` section, or undefined when encryption is not enabled. */
export async function sslOptions(encryption: CassandraEncryption | undefined): Promise<ConnectionOptions | undefined> {
  if (!encryption?.enabled) return undefined;
  const tls: ConnectionOptions = { rejectUnauthorized: encryption.verifyPeerCert ?? true };
  const trustedCertDir = given(encryption.trustedCertDir);
  if (trustedCertDir) {
    const pems = (await readdir(trustedCertDir)).filter((file) => file.toLowerCase().endsWith('.pem')).sort();
    if (pems.length === 0) throw new Error(`No .pem file in the Cassandra trusted-cert-dir ${trustedCertDir}`);
    tls.ca = await Promise.all(pems.map((file) => readFile(join(trustedCertDir, file))));
  }
  const certificate = given(encryption.clientCertificateFile);
  if (certificate) tls.cert = await readFile(certificate);
  const privateKey = given(encryption.clientPrivateKeyFile);
  if (privateKey) tls.key = await readFile(privateKey);
  const passphrase = given(encryption.password);
  if (passphrase) tls.passphrase = passphrase;
  if (encryption.verifyPeerIdentity === false) tls.checkServerIdentity = () => undefined;
  return tls;
}

/**
 * Options of the stores' statements: prepared and idempotent (a write carries the driver's client-side timestamp,
 * so the driver may retry it on a timeout without changing the outcome).
 */
export function statementOptions(consistency: types.consistencies): QueryOptions {
  return { prepare: true, isIdempotent: true, consistency };
}

/**
 * Options of a lightweight transaction (`IF ...`): not idempotent, so the driver never retries it (a retry of one
 * that was applied would answer "not applied").
 */
export function conditional(consistency: types.consistencies): QueryOptions {
  return { ...statementOptions(consistency), isIdempotent: false };
}

/** The driver's options for the RAP options (protocol v4 at most: the Node driver does not speak v5). */
export async function cassandraClientOptions(options: CassandraOptions): Promise<ClientOptions> {
  const username = given(options.username);
  return {
    contactPoints: options.contactPoints,
    localDataCenter: options.localDataCenter ?? DEFAULT_DATA_CENTER,
    protocolOptions: { port: options.port ?? DEFAULT_PORT, maxVersion: 4 },
    // Try lost nodes again every 1 s at first, at most every 10 s, so a returning Cassandra is used soon.
    policies: { reconnection: new policies.reconnection.ExponentialReconnectionPolicy(1000, RECONNECT_MAX_DELAY_MS, false) },
    ...(username && { credentials: { username, password: options.password ?? '' } }),
    sslOptions: await sslOptions(options.encryption),
    ...(options.metrics && { requestTracker: new StatementTracker(options.metrics) }),
  };
}

/**
 * Connects to the cluster. The client is not bound to the keyspace (the stores name it in every statement), so
 * the same options serve `applySchema` before the keyspace exists. The driver reconnects to lost nodes by itself.
 */
export async function connectCassandra(options: CassandraOptions): Promise<CassandraContext> {
  const keyspace = checkKeyspaceName(options.keyspace);
  const readConsistency = consistencyLevel(options.readConsistency ?? DEFAULT_CONSISTENCY);
  const writeConsistency = consistencyLevel(options.writeConsistency ?? DEFAULT_CONSISTENCY);
  const client = new Client(await cassandraClientOptions(options));
  shutDownReplacedHosts(client);
  await client.connect();
  return { client, keyspace, readConsistency, writeConsistency };
}

/** `[seconds, nanoseconds]` as the driver measures a request. */
function seconds([whole, nanos]: number[]): number {
  return whole + nanos / 1e9;
}

/** The driver's base class of request trackers: its typings declare only an interface, but it checks for the class. */
const RequestTrackerBase = (tracker as unknown as { RequestTracker: new () => object }).RequestTracker;

/** The driver's request tracker, telling the metrics of every statement. */
class StatementTracker extends RequestTrackerBase implements tracker.RequestTracker {
  constructor(private readonly metrics: StoreMetrics) {
    super();
  }

  onSuccess(...args: Parameters<tracker.RequestTracker['onSuccess']>): void {
    this.metrics.query(seconds(args[6]));
  }

  onError(): void {
    this.metrics.queryFailed();
  }

  shutdown(): void {}
}
