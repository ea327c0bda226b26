import { z } from 'zod';
import { boolean, camelKeys, fraction, integer, jsonFromText, openSection, refusal, section, text } from './option-types';

/**
 * The sections of where and how the services run (`[server]`, `[cluster]`, `[cassandra]`, `[encryption]`,
 * `[kafka]`, `[redis]`, `[log]`, `[tracing]`, GMS's `[push]`), who may connect (`[agent-api]`) and the customer services
 * (`[services]`).
 */

const receiverRefused = refusal('expected an http:// or https:// URL');
const isReceiverUrl = (value: string): boolean => /^https?:\/\/[^\s/?#]+\S*$/.test(value) && URL.canParse(value);
/** `*`, or origins as a browser sends them: scheme, host, optional port, nothing after. */
const CORS_ORIGINS = /^\s*(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\s*,\s*https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)*)?\s*$/;
const SERVICE_TARGET = /^\d+:[^\s:]+$/;
const serviceTarget = text(SERVICE_TARGET, 'expected "<tenant dbid>:<endpoint name>"').transform((target) => {
  const [tenant, endpoint] = target.split(':');
  return { tenantDbid: Number(tenant), endpoint };
});

const USER_TYPES = ['AGENT', 'SUPERVISOR'] as const;
const secretRefused = refusal('expected a secret of at least 16 characters', false);
/** A shared secret of at least 32 characters, never shown in a refusal. */
const internalSecret = () => {
  const refused = refusal('expected a secret of at least 32 characters', false);
  return z.string(refused).min(32, refused);
};
const userTypesRefused = refusal(`expected a non-empty list of ${USER_TYPES.join(', ')}`);
const tenantsRefused = refusal('expected a non-empty list of tenant dbids');
const queuesRefused = refusal('expected a non-empty list of queue names');
const agentApiToken = z
  .strictObject(
    {
      name: text(/^\S+$/, 'expected a name without spaces'),
      secret: z.string(secretRefused).min(16, secretRefused),
      'user-types': z.array(z.enum(USER_TYPES, refusal(`expected ${USER_TYPES.join(' or ')}`)), userTypesRefused).min(1, userTypesRefused),
      // Scope; absent: every tenant, every queue of its tenants.
      tenants: z.array(z.int(tenantsRefused).positive(tenantsRefused), tenantsRefused).min(1, tenantsRefused).optional(),
      queues: z.array(z.string(queuesRefused).regex(/\S/, queuesRefused), queuesRefused).min(1, queuesRefused).optional(),
    },
    refusal('expected { name, secret, user-types, tenants?, queues? }', false),
  )
  .transform(camelKeys);

const port = () => integer(0, 65_535);
const CLUSTER_MODES = ['embedded', 'cluster'] as const;
const URL_PATH = /^\/\S*$/;
/**
 * `[kafka] name-prefix`: characters Kafka allows in topic names, short enough that every prefixed topic name stays
 * within Kafka's 249 characters (ours are at most 26 long today).
 */
const KAFKA_NAME_PREFIX_MAX = 100;
const KAFKA_NAME_PREFIX = new RegExp(`^[A-Za-z0-9._-]{0,${KAFKA_NAME_PREFIX_MAX}}$`);
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const deploymentSections = {
  services: openSection(serviceTarget, 'expected a map of service name to "<tenant dbid>:<endpoint name>"'),
  'agent-api': section({
    tokens: z.preprocess(jsonFromText, z.array(agentApiToken, refusal('expected a (JSON) list of { name, secret, user-types }', false))).default([]),
  }),
  server: section({
    host: text(/^\S+$/, 'expected a host name or IP address').default('127.0.0.1'),
    // Bind address of one surface; absent: `host`.
    'webapi-host': text(/^\S+$/, 'expected a host name or IP address').optional(),
    'esp-host': text(/^\S+$/, 'expected a host name or IP address').optional(),
    // Ours: what ESP clients (workflows) and the router surface's users present.
    'esp-secret': internalSecret().optional(),
    'engine-host': text(/^\S+$/, 'expected a host name or IP address').optional(),
    'reporting-host': text(/^\S+$/, 'expected a host name or IP address').optional(),
    'push-host': text(/^\S+$/, 'expected a host name or IP address').optional(),
    alias: text(/^[A-Za-z0-9_-]{1,32}$/, 'expected 1 to 32 characters from A-Z a-z 0-9 _ -').default('1'),
    'app-name': text(/^\S{1,64}$/, 'expected a name without spaces').default('ChatServer'),
    'data-dir': text(/^\S+$/, 'expected a directory path').default('var'),
    'webapi-port': port().default(8080),
    'esp-port': port().default(8081),
    'engine-port': port().default(8082),
    'reporting-port': port().default(8083),
    'push-port': port().default(8084),
    'cometd-path': text(URL_PATH, 'expected a path starting with /').default('/genesys/cometd'),
    'cometd-timeout': integer(1, 300).default(25),
    'cometd-max-batch': integer(1, 1_000).default(50),
    'cometd-handshake-limit': integer(0, 100_000_000).default(100),
    'cometd-handshake-interval': integer(1, 3_600).default(10),
    'cometd-jsonp': boolean().default(false),
    'agent-ws-path': text(URL_PATH, 'expected a path starting with /').default('/agent/ws'),
    'agent-ws-heartbeat': integer(0, 3_600).default(30),
    // Empty (the default): no web page of another origin may call the customer API from the browser.
    'cors-origins': text(CORS_ORIGINS, 'expected empty, * or a comma-separated list of origins (scheme://host[:port], no path) like https://shop.example')
      .default('')
      .transform((list) =>
        list
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      ),
    // Per remote address: this many wrong agent tokens or chat credentials within the interval (seconds) make it wait.
    'auth-failure-limit': integer(0, 1_000_000).default(20),
    'auth-failure-interval': integer(1, 86_400).default(60),
    'auth-failure-backoff': integer(1, 86_400).default(30),
  }),
  cluster: section({
    mode: z.enum(CLUSTER_MODES, refusal(`expected one of ${CLUSTER_MODES.join(', ')}`)).default('embedded'),
    'node-id': text(/^[A-Za-z0-9_.-]{0,64}$/, 'expected up to 64 characters from A-Z a-z 0-9 _ . -').default(''),
    'heartbeat-interval': integer(1, 60).default(1),
    'node-ttl': integer(2, 300).default(5),
    // Ours: what session engines, gateways and the drain hook present on the engine RPC and drain endpoints.
    'internal-secret': internalSecret().optional(),
  }),
  cassandra: section({
    'contact-points': text(/^[^\s,]+(,[^\s,]+)*$/, 'expected host names or addresses separated by commas')
      .default('127.0.0.1')
      .transform((list) => list.split(',')),
    port: port().default(9042),
    keyspace: text(/^[A-Za-z][A-Za-z0-9_]{0,47}$/, 'expected a letter then up to 47 letters, digits or _').default('chat'),
    'local-data-center': text(/^\S+$/, 'expected a data center name').default('datacenter1'),
    'read-consistency': text(/^[A-Za-z_]+$/, 'expected a consistency level such as QUORUM').default('QUORUM'),
    'write-consistency': text(/^[A-Za-z_]+$/, 'expected a consistency level such as QUORUM').default('QUORUM'),
    username: z.string(refusal('expected a text')).default(''),
    password: z.string(refusal('expected a text', false)).default(''),
    'replication-strategy': z
      .enum(['SimpleStrategy', 'NetworkTopologyStrategy'], refusal('expected SimpleStrategy or NetworkTopologyStrategy'))
      .default('SimpleStrategy'),
    'replication-factor': integer(1, 10).default(1),
  }),
  encryption: section({
    enabled: boolean().default(false),
    'trusted-cert-dir': z.string(refusal('expected a directory path')).default(''),
    'client-certificate-file': z.string(refusal('expected a file path')).default(''),
    'client-private-key-file': z.string(refusal('expected a file path')).default(''),
    password: z.string(refusal('expected a text', false)).default(''),
    'verify-peer-cert': boolean().default(true),
    'verify-peer-identity': boolean().default(true),
  }),
  kafka: section({
    brokers: text(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, 'expected host:port pairs separated by commas')
      .default('127.0.0.1:9092')
      .transform((list) => list.split(',')),
    'client-id': text(/^\S{1,64}$/, 'expected a name without spaces').default('ocs'),
    partitions: integer(1, 1000).default(12),
    'replication-factor': integer(1, 10).default(1),
    'session-timeout': integer(6, 300).default(10),
    'name-prefix': text(KAFKA_NAME_PREFIX, `expected up to ${KAFKA_NAME_PREFIX_MAX} characters from A-Z a-z 0-9 . _ -`).default(''),
  }),
  redis: section({
    url: text(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
    'key-prefix': text(/^\S{0,32}$/, 'expected up to 32 characters without spaces').default('ocs:'),
  }),
  log: section({
    level: z.enum(LOG_LEVELS, refusal(`expected one of ${LOG_LEVELS.join(', ')}`)).default('info'),
  }),
  // OpenTelemetry traces, sent over OTLP/HTTP to a collector.
  tracing: section({
    enabled: boolean().default(false),
    endpoint: z.string(receiverRefused).refine(isReceiverUrl, receiverRefused).default('http://127.0.0.1:4318/v1/traces'),
    'sample-ratio': fraction().default(1),
  }),
  // GMS's [push] section (customhttp.url, customhttp.message, pushEnabled keep GMS's names), with our delivery options.
  push: section({
    'customhttp.url': z.string(receiverRefused).refine(isReceiverUrl, receiverRefused).optional(),
    'customhttp.message': z.string(refusal('expected a text')).optional(),
    pushEnabled: text(/^\s*([A-Za-z]+\s*(,\s*[A-Za-z]+\s*)*)?$/, 'expected push types separated by commas, like comet,customhttp')
      .default('')
      .transform((list) =>
        list
          .split(',')
          .map((type) => type.trim().toLowerCase())
          .filter(Boolean),
      ),
    'request-timeout': integer(1, 300).default(10),
    'tls-ca-file': z.string(refusal('expected a file path')).default(''),
    'tls-reject-unauthorized': boolean().default(true),
    concurrency: integer(1, 1_000).default(32),
    'queue-size': integer(1, 1_000_000).default(10_000),
    'retry-attempts': integer(0, 1_000).default(10),
    'retry-delay': integer(1, 3_600_000).default(500),
    'retry-max-delay': integer(1, 3_600_000).default(60_000),
    'max-age': integer(0, 31_536_000).default(86_400),
    'signing-secret': z
      .string(secretRefused)
      .refine((secret) => secret === '' || secret.length >= 16, secretRefused)
      .default(''),
  }).refine((push) => !push.pushEnabled.includes('customhttp') || push['customhttp.url'] !== undefined, {
    message: 'pushEnabled lists customhttp: customhttp.url must name the receiver',
    path: ['customhttp.url'],
  }),
};
