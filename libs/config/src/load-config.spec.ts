import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, LoadConfigOptions } from './index';

const dir = mkdtempSync(join(tmpdir(), 'ocs-config-'));

function file(name: string, content: string): string {
  writeFileSync(join(dir, name), content);
  return name;
}

/** Loads with only the given argv/env, never the test process's own. */
const load = (options: LoadConfigOptions = {}) => loadConfig({ argv: [], env: {}, cwd: dir, ...options });

function problemsOf(options: LoadConfigOptions): readonly string[] {
  try {
    load(options);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const envProblems = (env: Record<string, string>) => problemsOf({ env });

describe('loadConfig', () => {
  it('returns every default without file or env', () => {
    expect(load()).toEqual({
      settings: {
        flexDisconnectTimeout: 45,
        userRegisterTimeout: 30,
        sessionPasswordEnforce: true,
        messageMaxSize: 16384,
        nicknameMaxLength: 128,
        closedSessionRetainTime: 60,
        transcriptMaxEvents: 10000,
        transcriptMaxSize: 4194304,
        messageRateLimit: 60,
        messageRateInterval: 10,
        messageTypeMaxLength: 64,
        userDataMaxKeys: 100,
        userDataMaxValueSize: 16384,
        userDataMaxSize: 65536,
        flexPushTimeout: 86400,
        flexPushEnabled: true,
        flexPushOnJoin: false,
        flexPushResendAttempts: 3,
        flexPushResendDelay: 15,
        flexPushContent: ['session-id', 'user-id'],
        sessionRestorePushSend: false,
        asyncIdleAlert: 86400,
        asyncIdleClose: 3600,
        asyncIdleNotices: 'major',
        stopAbandonedInteraction: 'never',
        transcriptSaveNotices: 'major',
        attachSessionStatistics: 'none',
        attachStatsRepEvents: [],
        attachStatsRepPlace: 'none',
        statisticsCloseWait: 5000,
        statisticsCheckpointTtl: 2592000,
        transcriptAutoSave: 0,
        transcriptSaveOnError: 'continue',
        transcriptResendAttempts: 3,
        transcriptResendDelay: 1,
        sessionRestorationMode: 'none',
        sessionRestoreDoPurge: false,
        sessionRestoreExtendBy: 'none',
        limitsControlEnabled: false,
        limitForSessions: 10000,
        limitsRestoreThreshold: 80,
        requestMaxFields: 200,
        refreshMaxEvents: 1000,
        refreshMaxTextSize: 1048576,
        messageLogPrintSize: 0,
        hideAttachedData: true,
      },
      inactivityControl: {
        enabled: false,
        timeoutAlert: 255,
        timeoutAlert2: 0,
        timeoutClose: 45,
        messageAlert: 'Chat session will be closed soon due to inactivity of chat participants.',
        messageAlert2: 'Chat session will be closed very soon due to inactivity of chat participants.',
        messageClose: 'Chat session closed due to inactivity of chat participants.',
        includeNotices: 'major',
      },
      languages: [],
      queues: [],
      routing: { mode: 'builtin', agentGracePeriod: 30, flapLimit: 10, flapWindow: 60, flapQuietTime: 30, timerInterval: 1 },
      clientFileTransfer: {
        uploadMaxFiles: 3,
        uploadMaxFileSize: 2097152,
        uploadMaxTotalSize: 5242880,
        uploadFileTypes: ['bmp', 'csv', 'doc', 'docx', 'gif', 'jpeg', 'jpg', 'pdf', 'png', 'txt', 'xls', 'xlsx', 'zip'],
        uploadNeedAgent: true,
        downloadAttempts: 10,
      },
      services: { 'customer-support': { tenantDbid: 1, endpoint: 'default' } },
      endpoints: { 1: { default: 'chat_inbound' } },
      agentApi: { tokens: [] },
      server: {
        host: '127.0.0.1',
        alias: '1',
        appName: 'ChatServer',
        dataDir: 'var',
        webapiPort: 8080,
        espPort: 8081,
        enginePort: 8082,
        reportingPort: 8083,
        pushPort: 8084,
        cometdPath: '/genesys/cometd',
        cometdTimeout: 25,
        cometdMaxBatch: 50,
        cometdHandshakeLimit: 100,
        cometdHandshakeInterval: 10,
        cometdJsonp: false,
        agentWsPath: '/agent/ws',
        agentWsHeartbeat: 30,
        corsOrigins: [],
        authFailureLimit: 20,
        authFailureInterval: 60,
        authFailureBackoff: 30,
      },
      cluster: { mode: 'embedded', nodeId: '', heartbeatInterval: 1, nodeTtl: 5 },
      cassandra: {
        contactPoints: ['127.0.0.1'],
        port: 9042,
        keyspace: 'chat',
        localDataCenter: 'datacenter1',
        readConsistency: 'QUORUM',
        writeConsistency: 'QUORUM',
        username: '',
        password: '',
        replicationStrategy: 'SimpleStrategy',
        replicationFactor: 1,
      },
      encryption: {
        enabled: false,
        trustedCertDir: '',
        clientCertificateFile: '',
        clientPrivateKeyFile: '',
        password: '',
        verifyPeerCert: true,
        verifyPeerIdentity: true,
      },
      kafka: { brokers: ['127.0.0.1:9092'], clientId: 'ocs', partitions: 12, replicationFactor: 1, sessionTimeout: 10, namePrefix: '' },
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'ocs:' },
      log: { level: 'info' },
      tracing: { enabled: false, endpoint: 'http://127.0.0.1:4318/v1/traces', sampleRatio: 1 },
      transcriptCleanup: {
        applyConfig: 'mix',
        ucsRefreshInterval: 60,
        applyArea: 'never',
        defaultSpec: 'digits',
        unmaskLiveDialog: false,
        allowBotUnmask: false,
        cleanSubject: 'never',
        rules: [],
      },
      logFilterData: { Transcript: 'hide', StructuredText: 'hide' },
      push: {
        pushEnabled: [],
        requestTimeout: 10,
        tlsCaFile: '',
        tlsRejectUnauthorized: true,
        concurrency: 32,
        queueSize: 10000,
        retryAttempts: 10,
        retryDelay: 500,
        retryMaxDelay: 60000,
        maxAge: 86400,
        signingSecret: '',
      },
    });
  });

  it('returns a deeply frozen object', () => {
    const config = load();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.settings)).toBe(true);
    expect(Object.isFrozen(config.endpoints[1])).toBe(true);
  });

  it('reads a YAML file named by --config, merging open sections with their default entries', () => {
    const path = file(
      'chat.yaml',
      [
        'settings:',
        '  flex-disconnect-timeout: 90',
        '  session-password-enforce: false',
        'endpoints:1:',
        '  vip: chat_vip',
        'endpoints:2:',
        '  default: tenant2_inbound',
        'services:',
        '  sales: "2:default"',
        'agent-api:',
        '  tokens:',
        '    - { name: bot, secret: 0123456789abcdef, user-types: [AGENT] }',
        'server:',
        '  alias: 7',
        'log:',
      ].join('\n'),
    );
    const config = load({ argv: ['node', 'main.js', '--config', path] });
    expect(config.settings.flexDisconnectTimeout).toBe(90);
    expect(config.settings.sessionPasswordEnforce).toBe(false);
    expect(config.settings.userRegisterTimeout).toBe(30);
    expect(config.endpoints).toEqual({ 1: { default: 'chat_inbound', vip: 'chat_vip' }, 2: { default: 'tenant2_inbound' } });
    expect(config.services).toEqual({
      'customer-support': { tenantDbid: 1, endpoint: 'default' },
      sales: { tenantDbid: 2, endpoint: 'default' },
    });
    expect(config.agentApi.tokens).toEqual([{ name: 'bot', secret: '0123456789abcdef', userTypes: ['AGENT'] }]);
    expect(config.server.alias).toBe('7');
    expect(config.log.level).toBe('info');
  });

  it('reads a JSON file named by OCS_CONFIG; a configured default entry replaces the default', () => {
    const path = file('chat.json', JSON.stringify({ services: { 'customer-support': '3:web' }, server: { 'webapi-port': 0 } }));
    const config = load({ env: { OCS_CONFIG: path } });
    expect(config.services).toEqual({ 'customer-support': { tenantDbid: 3, endpoint: 'web' } });
    expect(config.server.webapiPort).toBe(0);
  });

  it('prefers --config=<path> to OCS_CONFIG and treats an empty file as all defaults', () => {
    const path = file('empty.yaml', '');
    expect(load({ argv: [`--config=${path}`], env: { OCS_CONFIG: 'missing.yaml' } })).toEqual(load());
  });

  it('refuses every command-line flag but --config, naming each; other arguments are left alone', () => {
    const path = file('flags.yaml', '');
    expect(() => load({ argv: ['node', 'main.js', '--conifg', path, '-v', '--config', path] })).toThrow(
      new ConfigError([
        'unknown command-line flag "--conifg": the one flag is --config <file>',
        'unknown command-line flag "-v": the one flag is --config <file>',
      ]),
    );
    expect(load({ argv: ['node', 'pii-rules.js', 'show', '1', '--config', path] })).toEqual(load());
  });

  it('applies OCS__<section>__<option> env overrides on top of the file, coercing numbers and booleans', () => {
    const path = file('base.yaml', 'settings:\n  flex-disconnect-timeout: 90\n  nickname-max-length: 64\n');
    const tokens = JSON.stringify([{ name: 'sup', secret: 'fedcba9876543210', 'user-types': ['AGENT', 'SUPERVISOR'] }]);
    const config = load({
      argv: ['--config', path],
      env: {
        'OCS__settings__flex-disconnect-timeout': '60',
        'OCS__settings__session-password-enforce': 'false',
        'OCS__server__webapi-port': '9000',
        'OCS__endpoints:1__default': 'other_queue',
        'OCS__agent-api__tokens': tokens,
        OCS__log__level: 'debug',
      },
    });
    expect(config.settings).toMatchObject({ flexDisconnectTimeout: 60, nicknameMaxLength: 64, sessionPasswordEnforce: false });
    expect(config.server.webapiPort).toBe(9000);
    expect(config.endpoints[1]).toEqual({ default: 'other_queue' });
    expect(config.agentApi.tokens).toEqual([{ name: 'sup', secret: 'fedcba9876543210', userTypes: ['AGENT', 'SUPERVISOR'] }]);
    expect(config.log.level).toBe('debug');
  });

  it('accepts shell-friendly env names, with _ for - and :, keeping names in open sections as written', () => {
    const tokens = JSON.stringify([{ name: 'desk', secret: 'fedcba9876543210', 'user-types': ['AGENT'] }]);
    const config = load({
      env: {
        OCS__settings__flex_disconnect_timeout: '61',
        OCS__agent_api__tokens: tokens,
        OCS__endpoints_2__night_queue: 'q_night',
        OCS__services__my_service: '2:night_queue',
      },
    });
    expect(config.settings.flexDisconnectTimeout).toBe(61);
    expect(config.agentApi.tokens).toHaveLength(1);
    expect(config.endpoints[2]).toEqual({ night_queue: 'q_night' });
    expect(config.services.my_service).toEqual({ tenantDbid: 2, endpoint: 'night_queue' });
  });

  it('reads [language:<name>] sections: code lower/upper-cased, texts that may be empty, in configuration order', () => {
    const path = file(
      'languages.yaml',
      [
        'language:Spanish:',
        '  language: ES',
        '  country: es',
        '  use-language-as-default: true',
        '  message-alert: "¿Sigue ahí?"',
        '  message-close: ""',
        'language:French:',
        '  language: fr',
      ].join('\n'),
    );
    const config = load({ argv: ['--config', path], env: { OCS__language_Mexican_Spanish__message_alert2: 'Oiga' } });
    expect(config.languages).toEqual([
      { name: 'Spanish', language: 'es', country: 'ES', useLanguageAsDefault: true, messageAlert: '¿Sigue ahí?', messageClose: '' },
      { name: 'French', language: 'fr', useLanguageAsDefault: false },
      { name: 'Mexican_Spanish', useLanguageAsDefault: false, messageAlert2: 'Oiga' },
    ]);
  });

  it('reads flex-push-content as a comma-separated list of what a reliable-delivery notice names', () => {
    const env = { 'OCS__settings__flex-push-content': 'app-dbid, secure-key,session-id , user-id', 'OCS__settings__flex-push-on-join': 'true' };
    expect(load({ env }).settings).toMatchObject({ flexPushContent: ['app-dbid', 'secure-key', 'session-id', 'user-id'], flexPushOnJoin: true });
    expect(envProblems({ 'OCS__settings__flex-push-content': 'session-id,device-id' })).toEqual([
      'invalid option [settings] flex-push-content[1]: expected a comma-separated list of app-dbid, secure-key, session-id, user-id, got "device-id"',
    ]);
    expect(envProblems({ 'OCS__settings__flex-push-resend-delay': '0' })).toEqual([
      'invalid option [settings] flex-push-resend-delay: expected an integer from 1 to 86400, got 0',
    ]);
  });

  it('reads [inactivity-control] with timeout-alert2 0 meaning no second alert', () => {
    const config = load({
      env: { OCS__inactivity_control__enabled: 'true', 'OCS__inactivity-control__timeout-alert2': '0', OCS__inactivity_control__timeout_alert: '3' },
    });
    expect(config.inactivityControl).toMatchObject({ enabled: true, timeoutAlert: 3, timeoutAlert2: 0, timeoutClose: 45 });
  });

  it('requires in cluster mode only the cluster secrets the process uses', () => {
    const cluster = { OCS__cluster__mode: 'cluster' };
    expect(load({ env: cluster, clusterSecrets: [] }).cluster.internalSecret).toBeUndefined();
    expect(
      load({ env: { ...cluster, 'OCS__cluster__internal-secret': 'i'.repeat(32) }, clusterSecrets: ['internal-secret'] }).server.espSecret,
    ).toBeUndefined();
    expect(problemsOf({ env: cluster, clusterSecrets: ['internal-secret'] })).toEqual([
      'missing option [cluster] internal-secret (engine RPC and drain; OCS__cluster__internal-secret): required in cluster mode, a secret of at least 32 characters',
    ]);
    expect(problemsOf({ env: cluster, clusterSecrets: ['esp-secret'] })).toEqual([
      'missing option [server] esp-secret (ESP; OCS__server__esp-secret): required in cluster mode, a secret of at least 32 characters',
    ]);
  });

  it('allows no cross-origin page by default; takes *, or a list of origins with optional ports', () => {
    expect(load({ env: {} }).server.corsOrigins).toEqual([]);
    expect(load({ env: { OCS__server__cors_origins: '' } }).server.corsOrigins).toEqual([]);
    expect(load({ env: { OCS__server__cors_origins: '*' } }).server.corsOrigins).toEqual(['*']);
    expect(load({ env: { OCS__server__cors_origins: 'https://shop.example, http://localhost:3000' } }).server.corsOrigins).toEqual([
      'https://shop.example',
      'http://localhost:3000',
    ]);
  });

  it('reads the reporting statistics options of [settings]', () => {
    const config = load({
      env: {
        'OCS__settings__attach-session-statistics': 'fired',
        OCS__settings__statistics_close_wait: '0',
        'OCS__settings__statistics-checkpoint-ttl': '3600',
      },
    });
    expect(config.settings).toMatchObject({ attachSessionStatistics: 'fired', statisticsCloseWait: 0, statisticsCheckpointTtl: 3600 });
  });

  it('takes a Kafka name prefix of the characters Kafka allows in topic names, up to 100 of them', () => {
    for (const prefix of ['staging.', 'ocs_bench_1a2b3c4d.', 'A-z_0.9-', 'x'.repeat(100), '']) {
      expect(load({ env: { OCS__kafka__name_prefix: prefix } }).kafka.namePrefix).toBe(prefix);
    }
    expect(load({ argv: ['--config', file('kafka.yaml', 'kafka:\n  name-prefix: prod.\n')] }).kafka.namePrefix).toBe('prod.');
    expect(load({ argv: ['--config', file('kafka-number.yaml', 'kafka:\n  name-prefix: 2024\n')] }).kafka.namePrefix).toBe('2024');
  });

  it('reads [tracing]: a sample ratio from 0 to 1 with or without a fraction', () => {
    for (const [text, ratio] of [
      ['0', 0],
      ['1', 1],
      ['0.25', 0.25],
      ['.5', 0.5],
    ] as const) {
      expect(load({ env: { 'OCS__tracing__sample-ratio': text } }).tracing.sampleRatio).toBe(ratio);
    }
    expect(load({ env: { OCS__tracing__enabled: 'true', OCS__tracing__endpoint: 'https://otel.example:4318/v1/traces' } }).tracing).toMatchObject({
      enabled: true,
      endpoint: 'https://otel.example:4318/v1/traces',
    });
  });

  describe('refuses', () => {
    it.each([
      ['a sample ratio above 1', { 'OCS__tracing__sample-ratio': '1.5' }, 'invalid option [tracing] sample-ratio: expected a number from 0 to 1, got 1.5'],
      [
        'a sample ratio that is no number',
        { 'OCS__tracing__sample-ratio': 'half' },
        'invalid option [tracing] sample-ratio: expected a number from 0 to 1, got "half"',
      ],
      [
        'a collector endpoint that is no URL',
        { OCS__tracing__endpoint: 'otel:4318' },
        'invalid option [tracing] endpoint: expected an http:// or https:// URL, got "otel:4318"',
      ],
      ...['staging/', 'two words', 'prod:', 'é', 'x'.repeat(101)].map((prefix): [string, Record<string, string>, string] => [
        `a Kafka name prefix ${JSON.stringify(prefix.length > 20 ? `${prefix.length} characters` : prefix)}`,
        { 'OCS__kafka__name-prefix': prefix },
        `invalid option [kafka] name-prefix: expected up to 100 characters from A-Z a-z 0-9 . _ -, got ${JSON.stringify(prefix)}`,
      ]),
      [
        'a bad Kafka broker list',
        { OCS__kafka__brokers: '127.0.0.1' },
        'invalid option [kafka] brokers: expected host:port pairs separated by commas, got "127.0.0.1"',
      ],
      ...['https://shop.example/widgets', 'shop.example', 'https://shop.example;https://m.shop.example', '*, https://shop.example'].map(
        (origins): [string, Record<string, string>, string] => [
          `CORS origins ${JSON.stringify(origins)}`,
          { 'OCS__server__cors-origins': origins },
          `invalid option [server] cors-origins: expected empty, * or a comma-separated list of origins (scheme://host[:port], no path) like https://shop.example, got ${JSON.stringify(origins)}`,
        ],
      ),
      [
        'an unknown attach-session-statistics',
        { 'OCS__settings__attach-session-statistics': 'some' },
        'invalid option [settings] attach-session-statistics: expected one of none, fired, all, got "some"',
      ],
      [
        'an unknown async phase in attach-stats-rep-events',
        { 'OCS__settings__attach-stats-rep-events': 'dormant,sleepy' },
        'invalid option [settings] attach-stats-rep-events: expected a comma-separated list of dormant, active, idle, or nothing, got "dormant,sleepy"',
      ],
      [
        'a negative statistics-close-wait',
        { 'OCS__settings__statistics-close-wait': '-1' },
        'invalid option [settings] statistics-close-wait: expected an integer from 0 to 600000, got -1',
      ],
      ['an unknown cluster mode', { OCS__cluster__mode: 'mesh' }, 'invalid option [cluster] mode: expected one of embedded, cluster, got "mesh"'],
      [
        'cluster mode without its internal secret',
        { OCS__cluster__mode: 'cluster', 'OCS__server__esp-secret': 'e'.repeat(32) },
        'missing option [cluster] internal-secret (engine RPC and drain; OCS__cluster__internal-secret): required in cluster mode, a secret of at least 32 characters',
      ],
      [
        'cluster mode without its ESP secret',
        { OCS__cluster__mode: 'cluster', 'OCS__cluster__internal-secret': 'i'.repeat(32) },
        'missing option [server] esp-secret (ESP; OCS__server__esp-secret): required in cluster mode, a secret of at least 32 characters',
      ],
      [
        'a short internal secret, without showing it',
        { 'OCS__cluster__internal-secret': 'short-secret' },
        'invalid option [cluster] internal-secret: expected a secret of at least 32 characters',
      ],
      [
        'an unknown restoration extension',
        { 'OCS__settings__session-restore-extend-by': 'workflow' },
        'invalid option [settings] session-restore-extend-by: expected one of none, agent, esp, both, got "workflow"',
      ],
      [
        'a non-integer',
        { 'OCS__settings__flex-disconnect-timeout': 'abc' },
        'invalid option [settings] flex-disconnect-timeout: expected an integer from 1 to 1728000, got "abc"',
      ],
      [
        'a fraction',
        { 'OCS__settings__message-max-size': '1.5' },
        'invalid option [settings] message-max-size: expected an integer from 1 to 1048576, got "1.5"',
      ],
      [
        'an integer out of range',
        { 'OCS__server__webapi-port': '70000' },
        'invalid option [server] webapi-port: expected an integer from 0 to 65535, got 70000',
      ],
      [
        'a boolean other than true/false',
        { 'OCS__settings__session-password-enforce': 'yes' },
        'invalid option [settings] session-password-enforce: expected true or false, got "yes"',
      ],
      [
        'an unknown log level',
        { OCS__log__level: 'verbose' },
        'invalid option [log] level: expected one of trace, debug, info, warn, error, fatal, silent, got "verbose"',
      ],
      ['an unknown option', { 'OCS__settings__flex-disconect-timeout': '5' }, 'unknown option [settings] flex-disconect-timeout'],
      ['an unknown section', { OCS__setings__x: '5' }, 'unknown section [setings]'],
      [
        'a negative inactivity timeout',
        { 'OCS__inactivity-control__timeout-alert': '-5' },
        'invalid option [inactivity-control] timeout-alert: expected an integer from 1 to 86400, got -5',
      ],
      [
        'a non-numeric inactivity timeout',
        { 'OCS__inactivity-control__timeout-close': 'soon' },
        'invalid option [inactivity-control] timeout-close: expected an integer from 1 to 86400, got "soon"',
      ],
      [
        'a bad include-notices',
        { 'OCS__inactivity-control__include-notices': 'some' },
        'invalid option [inactivity-control] include-notices: expected one of none, major, major2, typing, all, got "some"',
      ],
      [
        'a malformed language code',
        { 'OCS__language:Spanish__language': 'spanish' },
        'invalid option [language:Spanish] language: expected an ISO 639 language code like es, got "spanish"',
      ],
      [
        'a malformed country code',
        { 'OCS__language:Spanish__country': 'Spain' },
        'invalid option [language:Spanish] country: expected an ISO 3166 country code like ES, got "Spain"',
      ],
      [
        'a country without language',
        { 'OCS__language:Spanish__country': 'ES' },
        'invalid section [language:Spanish]: country is only used with language: give language too',
      ],
      ['an unknown language option', { 'OCS__language:Spanish__code': 'es-ES' }, 'unknown option [language:Spanish] code'],
      ['a section that is not a map', { OCS__server: '5' }, 'invalid section [server]: expected a map of options, got "5"'],
      ['a bad service target', { OCS__services__sales: 'default' }, 'invalid option [services] sales: expected "<tenant dbid>:<endpoint name>", got "default"'],
      ['a bad alias', { OCS__server__alias: 'node 1' }, 'invalid option [server] alias: expected 1 to 32 characters from A-Z a-z 0-9 _ -, got "node 1"'],
      [
        'an unknown masking area',
        { 'OCS__transcript-cleanup__apply-area': 'sometimes' },
        'invalid option [transcript-cleanup] apply-area: expected one of never, always, history-all, history-final, got "sometimes"',
      ],
      [
        'an empty replacement character',
        { 'OCS__transcript-cleanup__default-repchar': '' },
        'invalid option [transcript-cleanup] default-repchar: expected a replacement character, got an empty text',
      ],
      [
        'an empty legacy replacement character',
        { 'OCS__settings__transcript-cleanup-mask': '' },
        'invalid option [settings] transcript-cleanup-mask: expected a replacement character, got an empty text',
      ],
      [
        'a bad replacement spec',
        { 'OCS__transcript-cleanup__default-spec': 'digits:-1' },
        'invalid option [transcript-cleanup] default-spec: expected all, digits or digits:<N> (keep the last N digits, N up to 99), got "digits:-1"',
      ],
      [
        'an unknown typing preview',
        { 'OCS__transcript-cleanup__typing-preview': 'digits' },
        'invalid option [transcript-cleanup] typing-preview: expected one of none, any, message, notice, got "digits"',
      ],
      [
        'an invalid rule regex, naming the rule',
        {
          'OCS__transcript-cleanup__rules': JSON.stringify([
            { id: 'ok', name: 'Fine', regex: '\\d{4}' },
            { id: 'R7', name: 'Orders', regex: 'ORD-(\\d+' },
          ]),
        },
        'invalid option [transcript-cleanup] rules[1].regex: rule 2 (id "R7", name "Orders"): Invalid regular expression: /ORD-(\\d+/u: Unterminated group',
      ],
      [
        'a rule regex that matches an empty text',
        { 'OCS__transcript-cleanup__rules': JSON.stringify([{ id: 'e', name: 'Empty', regex: '\\d*' }]) },
        'invalid option [transcript-cleanup] rules[0].regex: rule 1 (id "e", name "Empty"): the regular expression matches an empty text',
      ],
      [
        'an unknown log filter',
        { 'OCS__log-filter-data__Transcript': 'show' },
        'invalid option [log-filter-data] Transcript: expected one of copy, skip, hide, got "show"',
      ],
    ])('%s', (_, env, problem) => {
      expect(envProblems(env)).toEqual([problem]);
    });

    it('a short token secret without echoing it', () => {
      const tokens = JSON.stringify([{ name: 'bot', secret: 'tooshort', 'user-types': ['AGENT'] }]);
      expect(envProblems({ 'OCS__agent-api__tokens': tokens })).toEqual([
        'invalid option [agent-api] tokens[0].secret: expected a secret of at least 16 characters',
      ]);
    });

    it('bad token fields and tokens that are not JSON', () => {
      const tokens = [
        { name: 'bot', secret: '0123456789abcdef', 'user-types': ['CLIENT'], extra: 1 },
        { secret: '0123456789abcdef', 'user-types': [] },
      ];
      expect(problemsOf({ argv: ['--config', file('tokens.json', JSON.stringify({ 'agent-api': { tokens } }))] })).toEqual([
        'invalid option [agent-api] tokens[0].user-types[0]: expected AGENT or SUPERVISOR, got "CLIENT"',
        'unknown option [agent-api] tokens[0].extra',
        'invalid option [agent-api] tokens[1].name: expected a name without spaces, but it is missing',
        'invalid option [agent-api] tokens[1].user-types: expected a non-empty list of AGENT, SUPERVISOR, got []',
      ]);
      expect(envProblems({ 'OCS__agent-api__tokens': '[{"secret": "0123' })).toEqual([
        'invalid option [agent-api] tokens: expected a (JSON) list of { name, secret, user-types }',
      ]);
    });

    it('an unreadable or malformed file, and --config without path', () => {
      expect(problemsOf({ argv: ['--config', 'missing.yaml'] })).toEqual([expect.stringMatching(/^cannot read configuration file .*missing\.yaml: ENOENT/)]);
      expect(problemsOf({ argv: ['--config', file('bad.json', '{"settings": ')] })).toEqual([
        expect.stringMatching(/^cannot read configuration file .*bad\.json: /),
      ]);
      expect(problemsOf({ argv: ['--config', file('list.yaml', '- 1\n')] })).toEqual([
        expect.stringMatching(/^configuration file .*list\.yaml: expected a map of sections$/),
      ]);
      expect(problemsOf({ argv: ['--config'] })).toEqual(['--config needs a file path']);
    });

    it('with all problems of file and env together in one message', () => {
      const path = file(
        'many.yaml',
        ['settings:', '  flex-disconnect-timeout: 0', '  colour: blue', 'endpoints:1:', '  web: ""', 'extra:', '  a: 1'].join('\n'),
      );
      const problems = [
        'invalid option [settings] flex-disconnect-timeout: expected an integer from 1 to 1728000, got 0',
        'unknown option [settings] colour',
        'invalid option [server] cometd-timeout: expected an integer from 1 to 300, got 301',
        'unknown section [extra]',
        'invalid option [endpoints:1] web: expected a queue name, got ""',
      ];
      expect(problemsOf({ argv: ['--config', path], env: { 'OCS__server__cometd-timeout': '301' } })).toEqual(problems);
      expect(() => load({ argv: ['--config', path], env: { 'OCS__server__cometd-timeout': '301' } })).toThrow(problems.join('\n'));
    });
  });
});
