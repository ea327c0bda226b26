import { z } from 'zod';
import { ConfigError } from './config-error';
import { boolean, camelKeys, integer, integerFromText, isMap, jsonFromText, openSection, refusal, section, text, type DeepReadonly } from './option-types';

type Issue = z.ZodError['issues'][number];
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
const IDLE_NOTICES = ['none', 'major', 'major2', 'typing', 'all'] as const;
const STOP_ABANDONED = ['always', 'never', 'noagents', 'noanswer'] as const;
const SAVE_NOTICES = ['none', 'major', 'all'] as const;
const ATTACH_STATISTICS = ['none', 'fired', 'all'] as const;
const REP_EVENTS = ['dormant', 'active', 'idle'] as const;
const REP_PLACES = ['none', 'async', 'all'] as const;
/** A comma-separated list of the async phases that send intermediate statistics; empty: none. */
const repEvents = text(
  new RegExp(`^\\s*((${REP_EVENTS.join('|')})\\s*(,\\s*(${REP_EVENTS.join('|')})\\s*)*)?$`),
  `expected a comma-separated list of ${REP_EVENTS.join(', ')}, or nothing`,
).transform(
  (list) =>
    [
      ...new Set(
        list
          .split(',')
          .map((event) => event.trim())
          .filter(Boolean),
      ),
    ] as Array<(typeof REP_EVENTS)[number]>,
);
const SAVE_ON_ERROR = ['close', 'continue'] as const;
const CLUSTER_MODES = ['embedded', 'cluster'] as const;
const RESTORATION_MODES = ['none', 'simple'] as const;
const RESTORE_EXTENSIONS = ['none', 'agent', 'esp', 'both'] as const;
/** Older releases took true/false: false meant never, true meant noanswer. */
const legacyStopAbandoned = (value: unknown) => (value === 'false' || value === false ? 'never' : value === 'true' || value === true ? 'noanswer' : value);
const URL_PATH = /^\/\S*$/;
/**
 * `[kafka] name-prefix`: characters Kafka allows in topic names, short enough that every prefixed topic name stays
 * within Kafka's 249 characters (ours are at most 26 long today).
 */
const KAFKA_NAME_PREFIX_MAX = 100;
const KAFKA_NAME_PREFIX = new RegExp(`^[A-Za-z0-9._-]{0,${KAFKA_NAME_PREFIX_MAX}}$`);
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
const LOG_FILTERS = ['copy', 'skip', 'hide'] as const;
const APPLY_AREAS = ['never', 'always', 'history-all', 'history-final'] as const;
const APPLY_CONFIGS = ['cfg', 'ucs', 'mix'] as const;
const CLEAN_SUBJECT = ['never', 'history', 'interaction', 'both'] as const;
const TYPING_PREVIEW = ['none', 'any', 'message', 'notice'] as const;
const REPLACE_SPEC = /^(all|digits(:\d{1,2})?)$/;
const replaceSpec = () => text(REPLACE_SPEC, 'expected all, digits or digits:<N> (keep the last N digits, N up to 99)');
/** A replacement character: the first one given is used; it must be one UTF-16 unit, as masking keeps a text's length. */
const repchar = () =>
  z
    .string(refusal('expected a replacement character'))
    .min(1, 'expected a replacement character, got an empty text')
    .refine((c) => !/^[\uD800-\uDFFF]/.test(c), 'expected a replacement character of the Basic Multilingual Plane');
const piiRuleRefused = refusal('expected { id, name, description?, regex, spec?, repchar? }', false);
const piiRule = z.strictObject(
  {
    id: text(/\S/, 'expected a rule id'),
    name: text(/\S/, 'expected a rule name'),
    description: z.string(refusal('expected a text')).optional(),
    regex: z.string(refusal('expected a regular expression')).min(1, 'expected a regular expression, got an empty text'),
    spec: replaceSpec().optional(),
    repchar: repchar().optional(),
  },
  piiRuleRefused,
);
/** Every rule compiles (JavaScript, Unicode mode) and never matches an empty text; the message names the rule. */
const piiRules = z
  .array(piiRule, refusal('expected a (JSON) list of rules { id, name, description?, regex, spec?, repchar? }', false))
  .superRefine((rules, ctx) => {
    rules.forEach((rule, i) => {
      const named = `rule ${i + 1} (id ${JSON.stringify(rule.id)}, name ${JSON.stringify(rule.name)})`;
      let problem: string | undefined;
      try {
        if (new RegExp(rule.regex, 'u').test('')) problem = 'the regular expression matches an empty text';
      } catch (e) {
        problem = e instanceof Error ? e.message : `invalid regular expression: ${String(e)}`;
      }
      if (problem) ctx.addIssue({ code: 'custom', path: [i, 'regex'], message: `${named}: ${problem}` });
    });
  });

const sectionsSchema = z
  .strictObject({
    settings: section({
      'flex-disconnect-timeout': integer(1, 1_728_000).default(45),
      'user-register-timeout': integer(1, 3_600).default(30),
      'session-password-enforce': boolean().default(true),
      'message-max-size': integer(1, 1_048_576).default(16_384),
      'nickname-max-length': integer(1, 1_024).default(128),
      'closed-session-retain-time': integer(0, 86_400).default(60),
      'transcript-max-events': integer(100, 1_000_000).default(10_000),
      'transcript-max-size': integer(65_536, 1_073_741_824).default(4_194_304),
      'message-rate-limit': integer(0, 100_000).default(60),
      'message-rate-interval': integer(1, 3_600).default(10),
      'message-type-max-length': integer(1, 1_024).default(64),
      'user-data-max-keys': integer(1, 10_000).default(100),
      'user-data-max-value-size': integer(1, 1_048_576).default(16_384),
      'user-data-max-size': integer(1, 16_777_216).default(65_536),
      'flex-push-timeout': integer(1, 1_728_000).default(86_400),
      'async-idle-alert': integer(1, 1_728_000).default(86_400),
      'async-idle-close': integer(1, 1_728_000).default(3_600),
      'async-idle-notices': z.enum(IDLE_NOTICES, refusal(`expected one of ${IDLE_NOTICES.join(', ')}`)).default('major'),
      'stop-abandoned-interaction': z
        .preprocess(legacyStopAbandoned, z.enum(STOP_ABANDONED, refusal(`expected one of ${STOP_ABANDONED.join(', ')}`)))
        .default('never'),
      'transcript-save-notices': z.enum(SAVE_NOTICES, refusal(`expected one of ${SAVE_NOTICES.join(', ')}`)).default('major'),
      // Reporting statistics (reporting-attacher); the close wait in milliseconds, the checkpoint's life in seconds.
      'attach-session-statistics': z.enum(ATTACH_STATISTICS, refusal(`expected one of ${ATTACH_STATISTICS.join(', ')}`)).default('none'),
      'attach-stats-rep-events': repEvents.default([]),
      'attach-stats-rep-place': z.enum(REP_PLACES, refusal(`expected one of ${REP_PLACES.join(', ')}`)).default('none'),
      'statistics-close-wait': integer(0, 600_000).default(5_000),
      'statistics-checkpoint-ttl': integer(60, 31_536_000).default(2_592_000),
      'transcript-auto-save': z.preprocess(integerFromText, z.union([z.literal(0), z.literal(1), z.literal(2)], refusal('expected 0, 1 or 2'))).default(0),
      'transcript-save-on-error': z.enum(SAVE_ON_ERROR, refusal(`expected one of ${SAVE_ON_ERROR.join(', ')}`)).default('continue'),
      'transcript-resend-attempts': integer(0, 100).default(3),
      'transcript-resend-delay': integer(0, 3600).default(1),
      'session-restoration-mode': z.enum(RESTORATION_MODES, refusal(`expected one of ${RESTORATION_MODES.join(', ')}`)).default('none'),
      'session-restore-do-purge': boolean().default(false),
      'session-restore-extend-by': z.enum(RESTORE_EXTENSIONS, refusal(`expected one of ${RESTORE_EXTENSIONS.join(', ')}`)).default('none'),
      'limits-control-enabled': boolean().default(false),
      'limit-for-sessions': integer(1, 100_000_000).default(10_000),
      'limits-restore-threshold': integer(1, 100).default(80),
      // Customer API request and reply limits.
      'request-max-fields': integer(10, 100_000).default(200),
      'refresh-max-events': integer(10, 1_000_000).default(1_000),
      'refresh-max-text-size': integer(1_024, 1_073_741_823).default(1_048_576),
      // Log hygiene; PII masking names from before 8.5.103, aliases of [transcript-cleanup] typing-preview and default-repchar.
      'message-log-print-size': integer(0, 7_000).default(0),
      'hide-attached-data': boolean().default(true),
      'transcript-cleanup-typing': z.enum(TYPING_PREVIEW, refusal(`expected one of ${TYPING_PREVIEW.join(', ')}`)).optional(),
      'transcript-cleanup-mask': repchar().optional(),
    }),
    'inactivity-control': section({
      enabled: boolean().default(false),
      'timeout-alert': integer(1, 86_400).default(255),
      'timeout-alert2': integer(0, 86_400).default(0),
      'timeout-close': integer(1, 86_400).default(45),
      'message-alert': z.string(refusal('expected a text')).default('Chat session will be closed soon due to inactivity of chat participants.'),
      'message-alert2': z.string(refusal('expected a text')).default('Chat session will be closed very soon due to inactivity of chat participants.'),
      'message-close': z.string(refusal('expected a text')).default('Chat session closed due to inactivity of chat participants.'),
      'include-notices': z.enum(IDLE_NOTICES, refusal(`expected one of ${IDLE_NOTICES.join(', ')}`)).default('major'),
    }),
    'client-file-transfer': section({
      'upload-max-files': integer(0, 1000).default(3),
      'upload-max-file-size': integer(0, 1_073_741_823).default(2_097_152),
      'upload-max-total-size': integer(0, 1_073_741_823).default(5_242_880),
      'upload-file-types': text(/^[A-Za-z0-9]+(:[A-Za-z0-9]+)*$/, 'expected extensions separated by colons, like jpg:png:pdf')
        .default('bmp:csv:doc:docx:gif:jpeg:jpg:pdf:png:txt:xls:xlsx:zip')
        .transform((list) => list.toLowerCase().split(':')),
      'upload-need-agent': boolean().default(true),
      'download-attempts': integer(0, 1000).default(10),
    }),
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
      'cors-origins': text(/^(\*|https?:\/\/[^\s,]+(,\s*https?:\/\/[^\s,]+)*)$/, 'expected * or a comma-separated list of origins like https://shop.example')
        .default('*')
        .transform((list) => list.split(',').map((origin) => origin.trim())),
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
    'transcript-cleanup': section({
      'apply-config': z.enum(APPLY_CONFIGS, refusal(`expected one of ${APPLY_CONFIGS.join(', ')}`)).default('mix'),
      // Ours: how often the rule sets of apply-config ucs or mix are read again from UCS.
      'ucs-refresh-interval': integer(1, 86_400).default(60),
      'apply-area': z.enum(APPLY_AREAS, refusal(`expected one of ${APPLY_AREAS.join(', ')}`)).default('never'),
      // Absent: the legacy [settings] name, else their defaults (`*`, `none`).
      'default-repchar': repchar().optional(),
      'default-spec': replaceSpec().default('digits'),
      'unmask-live-dialog': boolean().default(false),
      'allow-bot-unmask': boolean().default(false),
      'clean-subject': z.enum(CLEAN_SUBJECT, refusal(`expected one of ${CLEAN_SUBJECT.join(', ')}`)).default('never'),
      'typing-preview': z.enum(TYPING_PREVIEW, refusal(`expected one of ${TYPING_PREVIEW.join(', ')}`)).optional(),
      // Ours: the ordered rule set; empty: the default rules (GCTI_CreditCards, GCTI_SSN, GCTI_PhoneNANPA).
      rules: z.preprocess(jsonFromText, piiRules).default([]),
    }),
    'log-filter-data': section({
      Transcript: z.enum(LOG_FILTERS, refusal(`expected one of ${LOG_FILTERS.join(', ')}`)).default('hide'),
      StructuredText: z.enum(LOG_FILTERS, refusal(`expected one of ${LOG_FILTERS.join(', ')}`)).default('hide'),
    }),
  })
  .transform(camelKeys);

const ENDPOINTS_SECTION = /^endpoints:\d+$/;
/** `[language:<name>]`: a language sessions may speak (the guide's Language business attribute); the name as sessions give it. */
const LANGUAGE_SECTION = /^language:(.+)$/;
const languageSchema = section({
  // ISO 639 (lower-cased) and ISO 3166 (upper-cased), as the attribute's [code] section.
  language: text(/^[A-Za-z]{2,3}$/, 'expected an ISO 639 language code like es')
    .transform((code) => code.toLowerCase())
    .optional(),
  country: text(/^([A-Za-z]{2}|\d{3})$/, 'expected an ISO 3166 country code like ES')
    .transform((code) => code.toUpperCase())
    .optional(),
  'use-language-as-default': boolean().default(false),
  // As the attribute's [chat-server] section: each text, when set (empty included), replaces the [inactivity-control] one.
  'message-alert': z.string(refusal('expected a text')).optional(),
  'message-alert2': z.string(refusal('expected a text')).optional(),
  'message-close': z.string(refusal('expected a text')).optional(),
}).refine((l) => l.country === undefined || l.language !== undefined, { message: 'country is only used with language: give language too' });
const languageSectionsSchema = z.record(z.string(), languageSchema);
/** All `[endpoints:<tenant dbid>]` sections, keyed by tenant dbid in the result. */
const endpointSectionsSchema = z
  .record(z.string(), openSection(text(/\S/, 'expected a queue name'), 'expected a map of endpoint name to queue name'))
  .transform((sections): Record<number, Record<string, string>> =>
    Object.fromEntries(Object.entries(sections).map(([name, endpoints]) => [Number(name.slice('endpoints:'.length)), endpoints])),
  );

/** Entries of open sections that stay unless the configuration sets the same name. */
const DEFAULT_ENTRIES: Readonly<Record<string, Record<string, string>>> = {
  services: { 'customer-support': '1:default' },
  'endpoints:1': { default: 'chat_inbound' },
};

export type LanguageConfig = z.output<typeof languageSchema> & { name: string };
export type ChatServerConfig = DeepReadonly<
  z.output<typeof sectionsSchema> & { endpoints: z.output<typeof endpointSectionsSchema>; languages: LanguageConfig[] }
>;

/** Validates a configuration document (sections of options) and returns the frozen configuration. */
export function parseConfig(document: Readonly<Record<string, unknown>>): ChatServerConfig {
  const merged: Record<string, unknown> = { ...document };
  for (const [name, entries] of Object.entries(DEFAULT_ENTRIES)) {
    const configured = document[name];
    merged[name] = configured == null ? entries : isMap(configured) ? { ...entries, ...configured } : configured;
  }
  const endpointNames = Object.keys(merged).filter((name) => ENDPOINTS_SECTION.test(name));
  const languageNames = Object.keys(merged).filter((name) => LANGUAGE_SECTION.test(name));
  const pick = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, merged[name]]));
  const sections = sectionsSchema.safeParse(pick(Object.keys(merged).filter((name) => !endpointNames.includes(name) && !languageNames.includes(name))));
  const endpoints = endpointSectionsSchema.safeParse(pick(endpointNames));
  const languages = languageSectionsSchema.safeParse(pick(languageNames));
  if (!sections.success || !endpoints.success || !languages.success) {
    throw new ConfigError([...(sections.error?.issues ?? []), ...(endpoints.error?.issues ?? []), ...(languages.error?.issues ?? [])].flatMap(describe));
  }
  const missing = clusterSecretsMissing(sections.data);
  if (missing.length > 0) throw new ConfigError(missing);
  const languageList = Object.entries(languages.data).map(([section, language]) => ({ ...language, name: section.slice('language:'.length) }));
  return deepFreeze({ ...sections.data, endpoints: endpoints.data, languages: languageList });
}

/** In cluster mode the internal surfaces listen beyond the process: each needs its secret. */
function clusterSecretsMissing(config: z.output<typeof sectionsSchema>): string[] {
  if (config.cluster.mode !== 'cluster') return [];
  const needed = [
    config.cluster.internalSecret === undefined && '[cluster] internal-secret (engine RPC and drain; OCS__cluster__internal-secret)',
    config.server.espSecret === undefined && '[server] esp-secret (ESP; OCS__server__esp-secret)',
  ];
  return needed.filter((name) => name !== false).map((name) => `missing option ${name}: required in cluster mode, a secret of at least 32 characters`);
}

function describe(issue: Issue): string[] {
  const [section, ...inside] = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      section === undefined ? `unknown section [${key}]` : `unknown option [${String(section)}] ${optionName([...inside, key])}`,
    );
  }
  return [
    inside.length === 0
      ? `invalid section [${String(section)}]: ${issue.message}`
      : `invalid option [${String(section)}] ${optionName(inside)}: ${issue.message}`,
  ];
}

/** `tokens[0].secret` from the path inside a section. */
function optionName(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}

/**
 * Largest request a client may send (HTTP body or WebSocket frame): room for a text of `message-max-size` bytes
 * with JSON or form escaping, user data and event attributes around it.
 */
export function maxRequestBytes(config: ChatServerConfig): number {
  return 4 * config.settings.messageMaxSize + 64 * 1024;
}
