import type { CassandraOptions } from '@ocs/adapters-cassandra';
import { DEFAULT_PII_RULES, compilePiiRules, parseRepchar, type InactivityRules, type PiiRuleConfig, type PiiRules, type SessionRules } from '@ocs/chat-domain';
import type { Durability } from '@ocs/chat-engine';
import type { ChatServerConfig } from '@ocs/config';
import type { LogHygiene } from '@ocs/observability';
import type { BridgeOptions } from '@ocs/interaction-bridge';
import type { StatisticsOptions } from '@ocs/reporting-statistics';
import type { AttacherOptions } from '@ocs/service-reporting-attacher';

/** The options of the libs below the wiring, each from its sections of the configuration. */

/** The bridge's options from `[settings]`, `[server]` and `[endpoints:<n>]`. */
export function bridgeOptionsFromConfig(config: ChatServerConfig, attacherRuns = false): BridgeOptions {
  return {
    appName: config.server.appName,
    endpoints: config.endpoints,
    stopAbandoned: config.settings.stopAbandonedInteraction,
    saveNotices: config.settings.transcriptSaveNotices,
    // Closing actions wait for the statistics only where a reporting attacher follows the same bus.
    ...(attacherRuns ? { statisticsWaitMs: config.settings.statisticsCloseWait } : {}),
    cleanSubject: config.transcriptCleanup.cleanSubject,
  };
}

/** What the statistics calculator is told: `attach-session-statistics`, `attach-stats-rep-events` and `attach-stats-rep-place`. */
export function statisticsOptionsFromConfig(config: ChatServerConfig): StatisticsOptions {
  const { attachSessionStatistics, attachStatsRepEvents, attachStatsRepPlace } = config.settings;
  return { attachSessionStatistics, attachStatsRepEvents, attachStatsRepPlace };
}

/**
 * How long the marker of a finished session stays: in a cluster an hour, far beyond the records Kafka delivers again
 * after a crash or a rebalance; embedded a minute, as the memory bus delivers each record once.
 */
const FINISHED_TTL_MS = { cluster: 3_600_000, embedded: 60_000 };

/** The reporting attacher's options. */
export function attacherOptionsFromConfig(config: ChatServerConfig): AttacherOptions {
  return {
    statistics: statisticsOptionsFromConfig(config),
    checkpointTtlMs: config.settings.statisticsCheckpointTtl * 1000,
    finishedTtlMs: FINISHED_TTL_MS[config.cluster.mode],
  };
}

/**
 * The session rules that `[settings]` configures, in the domain's units. `tenantPiiRules`: the rule sets UCS holds
 * (`apply-config` ucs or mix).
 */
export function rulesFromConfig(config: ChatServerConfig, tenantPiiRules?: PiiRules['tenantRules']): SessionRules {
  const s = config.settings;
  return {
    messageMaxSize: s.messageMaxSize,
    nicknameMaxLength: s.nicknameMaxLength,
    flexDisconnectTimeoutMs: s.flexDisconnectTimeout * 1000,
    closedRetainMs: s.closedSessionRetainTime * 1000,
    sessionPasswordEnforce: s.sessionPasswordEnforce,
    transcriptMaxEvents: s.transcriptMaxEvents,
    input: {
      transcriptMaxSize: s.transcriptMaxSize,
      rateLimit: s.messageRateLimit,
      rateIntervalMs: s.messageRateInterval * 1000,
      messageTypeMaxLength: s.messageTypeMaxLength,
      kvMaxKeys: s.userDataMaxKeys,
      kvMaxValueSize: s.userDataMaxValueSize,
      kvMaxSize: s.userDataMaxSize,
    },
    flexPushTimeoutMs: s.flexPushTimeout * 1000,
    push: {
      enabled: s.flexPushEnabled,
      onJoin: s.flexPushOnJoin,
      resendAttempts: s.flexPushResendAttempts,
      resendDelayMs: s.flexPushResendDelay * 1000,
      content: [...new Set(s.flexPushContent)],
      restoreSend: s.sessionRestorePushSend,
      appDbid: config.server.alias,
    },
    asyncIdleAlertMs: s.asyncIdleAlert * 1000,
    asyncIdleCloseMs: s.asyncIdleClose * 1000,
    asyncIdleNotices: s.asyncIdleNotices,
    inactivity: inactivityFromConfig(config),
    languages: config.languages.map((l) => ({
      name: l.name,
      ...(l.language !== undefined ? { language: l.language } : {}),
      ...(l.country !== undefined ? { country: l.country } : {}),
      useAsDefault: l.useLanguageAsDefault,
      messages: {
        ...(l.messageAlert !== undefined ? { alert: l.messageAlert } : {}),
        ...(l.messageAlert2 !== undefined ? { alert2: l.messageAlert2 } : {}),
        ...(l.messageClose !== undefined ? { close: l.messageClose } : {}),
      },
    })),
    files: { ...config.clientFileTransfer },
    ...piiFromConfig(config, tenantPiiRules),
  };
}

/**
 * `[transcript-cleanup]`, with the names from before 8.5.103 (`[settings] transcript-cleanup-mask`,
 * `transcript-cleanup-typing`) where the new ones are not set. `apply-area=never`: no masking rules at all, so the
 * message path does no masking work. The rules are compiled here, once: a rule that does not compile stops the start.
 * `apply-config` ucs or mix: a tenant's rule set from UCS (`tenantRules`) wins; a tenant without one is masked by the
 * configured rules or the default ones (mix), or not at all (ucs).
 */
export function piiFromConfig(config: ChatServerConfig, tenantRules?: PiiRules['tenantRules']): Pick<SessionRules, 'pii' | 'typingPreviewMask'> {
  const cleanup = config.transcriptCleanup;
  const typing = cleanup.typingPreview ?? config.settings.transcriptCleanupTyping ?? 'none';
  const out: Pick<SessionRules, 'pii' | 'typingPreviewMask'> = typing === 'none' ? {} : { typingPreviewMask: parseRepchar(piiDefaults(config).repchar) };
  if (cleanup.applyArea === 'never') return out;
  return { ...out, pii: { ...piiRuleSets(config, tenantRules), area: cleanup.applyArea } };
}

/**
 * The rule sets of `[transcript-cleanup]` (`apply-config`, `rules`, `default-spec`, `default-repchar`, the unmask
 * options), compiled, whatever `apply-area` says: masking the live dialog and what is kept needs an area, masking a
 * subject (`clean-subject`) does not.
 */
export function piiRuleSets(config: ChatServerConfig, tenantRules?: PiiRules['tenantRules']): Omit<PiiRules, 'area'> {
  const cleanup = config.transcriptCleanup;
  const configured: readonly PiiRuleConfig[] = cleanup.rules.length > 0 ? cleanup.rules : DEFAULT_PII_RULES;
  return {
    rules: cleanup.applyConfig === 'ucs' ? [] : compilePiiRules(configured, piiDefaults(config)),
    unmaskLiveDialog: cleanup.unmaskLiveDialog,
    ...(cleanup.allowBotUnmask ? { allowBotUnmask: true } : {}),
    ...(tenantRules && cleanup.applyConfig !== 'cfg' ? { tenantRules } : {}),
  };
}

/** `default-spec` and `default-repchar` (or its name before 8.5.103), for the rules that set none of their own. */
export function piiDefaults(config: ChatServerConfig): { spec: string; repchar: string } {
  const cleanup = config.transcriptCleanup;
  return { spec: cleanup.defaultSpec, repchar: cleanup.defaultRepchar ?? config.settings.transcriptCleanupMask ?? '*' };
}

/** What log lines may show of chat content: `message-log-print-size`, `hide-attached-data`, `[log-filter-data]`. */
export function logHygieneFromConfig(config: ChatServerConfig): LogHygiene {
  return {
    messagePrintSize: config.settings.messageLogPrintSize,
    hideAttachedData: config.settings.hideAttachedData,
    transcript: config.logFilterData.Transcript,
    structuredText: config.logFilterData.StructuredText,
  };
}

/** `[inactivity-control]`, in milliseconds. */
function inactivityFromConfig(config: ChatServerConfig): InactivityRules {
  const ic = config.inactivityControl;
  return {
    enabled: ic.enabled,
    alertMs: ic.timeoutAlert * 1000,
    alert2Ms: ic.timeoutAlert2 * 1000,
    closeMs: ic.timeoutClose * 1000,
    messages: { alert: ic.messageAlert, alert2: ic.messageAlert2, close: ic.messageClose },
    includeNotices: ic.includeNotices,
  };
}

/** `transcript-auto-save` and its companions. */
export function durabilityFromConfig(config: ChatServerConfig): Durability {
  const s = config.settings;
  return {
    autoSave: s.transcriptAutoSave,
    saveOnError: s.transcriptSaveOnError,
    resendAttempts: s.transcriptResendAttempts,
    resendDelayMs: s.transcriptResendDelay * 1000,
  };
}

/** The driver connection of the `[cassandra]` and `[encryption]` sections (the guide's Cassandra RAP options). */
export function cassandraOptionsFromConfig({ cassandra, encryption }: ChatServerConfig): CassandraOptions {
  return {
    contactPoints: [...cassandra.contactPoints],
    port: cassandra.port,
    localDataCenter: cassandra.localDataCenter,
    keyspace: cassandra.keyspace,
    readConsistency: cassandra.readConsistency,
    writeConsistency: cassandra.writeConsistency,
    username: cassandra.username,
    password: cassandra.password,
    encryption: { ...encryption },
  };
}
