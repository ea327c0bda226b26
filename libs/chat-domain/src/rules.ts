import type { CompiledPiiRule } from './session/pii-rules';

/** The configurable limits and timeouts a session obeys (from `[settings]`, converted to milliseconds). */
export interface SessionRules {
  /** Largest text of a message or notice, in UTF-8 bytes (`message-max-size`). */
  messageMaxSize: number;
  /** Longest nickname, in characters (`nickname-max-length`). */
  nicknameMaxLength: number;
  /** A customer with no request and no live connection for this long is removed (`flex-disconnect-timeout`). */
  flexDisconnectTimeoutMs: number;
  /** A closed session stays readable this long (`closed-session-retain-time`). */
  closedRetainMs: number;
  /** Generate a session password at creation and require it from every later join (`session-password-enforce`). */
  sessionPasswordEnforce: boolean;
  /** A session refuses new messages and notices beyond this many events (`transcript-max-events`). */
  transcriptMaxEvents: number;
  /** Input limits of every party, whatever its protocol (input.ts, budget.ts). */
  input: InputRules;
  /** Async sessions: a customer is removed after this long without requests (`flex-push-timeout`). */
  flexPushTimeoutMs: number;
  /** Async sessions: no activity this long sends the idle alert (`async-idle-alert`). */
  asyncIdleAlertMs: number;
  /** Async sessions: this long after the alert the session closes (`async-idle-close`). */
  asyncIdleCloseMs: number;
  /** Which notices count as async activity (`async-idle-notices`). */
  asyncIdleNotices: IdleNotices;
  /** Inactivity control (`[inactivity-control]`); its texts also serve the async idle notices. */
  inactivity: InactivityRules;
  /** Named languages a session may be associated with (`[language:<name>]`), in configuration order. */
  languages: readonly LanguageRule[];
  /** Customer file transfer (`[client-file-transfer]`). */
  files: FileRules;
  /** PII masking (`[transcript-cleanup]`); absent with `apply-area=never`: no masking, no work per message. */
  pii?: PiiRules;
  /** `typing-preview` other than none: every digit of a typing preview becomes this character (`default-repchar`). */
  typingPreviewMask?: string;
  /** Push notifications to subscribed customers (the `flex-push-*` options). */
  push: PushRules;
}

/** What `flex-push-content` may name in a reliable-delivery notice. */
export const PUSH_CONTENT_KEYS = ['app-dbid', 'secure-key', 'session-id', 'user-id'] as const;
export type PushContentKey = (typeof PUSH_CONTENT_KEYS)[number];

/** Push notifications (session/push-subscription.ts, session/push-notifications.ts). */
export interface PushRules {
  /** Customers may subscribe to push notifications at all (`flex-push-enabled`). */
  enabled: boolean;
  /** The Request Chat user data of the REST API (`GCTI_Chat_PushSubscribe`) subscribes its customer (`flex-push-on-join`). */
  onJoin: boolean;
  /** Reliable delivery: resends after the first notice, each when no refresh came for `resendDelayMs` (`flex-push-resend-attempts`). */
  resendAttempts: number;
  /** `flex-push-resend-delay`. */
  resendDelayMs: number;
  /** The identity a reliable-delivery notice carries (`flex-push-content`). */
  content: readonly PushContentKey[];
  /** A restored session goes on pushing, its subscribers timed by `flex-push-timeout` (`session-restore-push-send`). */
  restoreSend: boolean;
  /** The `app-dbid` a notice names: the alias the customer API answers with (`[server] alias`). */
  appDbid: string;
}

/** `[transcript-cleanup]` when masking is on. */
export interface PiiRules {
  /**
   * `apply-area`: `always` masks the live dialog and everything saved; `history-all` and `history-final` show the
   * live dialog clear and mask everything saved (this engine saves no intermediate UCS transcript, and the session
   * state saved for restoration never holds clear text, so the two behave alike).
   */
  area: 'always' | 'history-all' | 'history-final';
  /** The ordered, compiled rules (pii-rules.ts); with `tenantRules`, those of a tenant UCS holds none for. */
  rules: readonly CompiledPiiRule[];
  /**
   * `apply-config` ucs or mix: the rule set UCS holds for a tenant, undefined where it holds none. Read and compiled
   * outside the domain, and refreshed while the engine runs: a lookup, no work per message beyond it.
   */
  tenantRules?: (tenantDbid: number) => readonly CompiledPiiRule[] | undefined;
  /** `unmask-live-dialog` (with `always`): active agents see clear what the customer sent after they joined. */
  unmaskLiveDialog: boolean;
  /** `allow-bot-unmask`: with `unmask-live-dialog`, a bot visible to the customer counts as an active agent. */
  allowBotUnmask?: boolean;
}

/** What one party may put into a session: bounds on what it sends and on how fast it sends it. */
export interface InputRules {
  /** Bytes of text, message types, user data and event attributes one transcript stores at most (`transcript-max-size`). */
  transcriptMaxSize: number;
  /** Messages and notices one party may send per `rateIntervalMs`, as a burst or spread out; 0: no limit (`message-rate-limit`). */
  rateLimit: number;
  /** The interval of `rateLimit` (`message-rate-interval`). */
  rateIntervalMs: number;
  /** Longest message type, in characters (`message-type-max-length`). */
  messageTypeMaxLength: number;
  /** Keys of one user data or event attribute list, nested keys included (`user-data-max-keys`). */
  kvMaxKeys: number;
  /** Largest value of such a list, in UTF-8 bytes (`user-data-max-value-size`). */
  kvMaxValueSize: number;
  /** Largest such list, keys and values, in UTF-8 bytes (`user-data-max-size`). */
  kvMaxSize: number;
}

/** `[inactivity-control]`, in milliseconds; a session's own parameters (ESP `IdleControlConfigure`) override it. */
export interface InactivityRules {
  /** Inactivity control runs in sessions with a customer and an agent (`enabled`). */
  enabled: boolean;
  /** No activity this long sends the first alert (`timeout-alert`). */
  alertMs: number;
  /** This long after the first alert the second goes out; 0: no second alert (`timeout-alert2`). */
  alert2Ms: number;
  /** This long after the last alert the session closes (`timeout-close`). */
  closeMs: number;
  /** Texts of the alert, second alert and close notices; an empty text sends no notice (`message-alert`, …). */
  messages: IdleTexts;
  /** Which notices count as activity (`include-notices`). */
  includeNotices: IdleNotices;
}

export interface IdleTexts {
  alert: string;
  alert2: string;
  close: string;
}

/**
 * A language a session may speak (the guide's Language business attribute, `[language:<name>]`): its ISO code
 * and the inactivity texts it overrides (an absent text: the `[inactivity-control]` one).
 */
export interface LanguageRule {
  name: string;
  /** ISO 639, lower case; absent: the language is found by name only. */
  language?: string;
  /** ISO 3166, upper case. */
  country?: string;
  /** Found for a code of its language with any country (`use-language-as-default`). */
  useAsDefault: boolean;
  messages: Partial<IdleTexts>;
}

/** `none`; `major`: push URL and file notices; `major2`: major + custom; `typing`: major + typing started; `all`. */
export type IdleNotices = 'none' | 'major' | 'major2' | 'typing' | 'all';

export interface FileRules {
  /** Files a customer may upload per session; 0 disables customer uploads (`upload-max-files`). */
  uploadMaxFiles: number;
  /** Largest single file in bytes (`upload-max-file-size`). */
  uploadMaxFileSize: number;
  /** Largest total of a customer's uploads per session in bytes; 0 disables customer uploads (`upload-max-total-size`). */
  uploadMaxTotalSize: number;
  /** Allowed file name extensions, lower case, without dot (`upload-file-types`). */
  uploadFileTypes: readonly string[];
  /** Uploads need an agent present in the session (`upload-need-agent`). */
  uploadNeedAgent: boolean;
  /** Downloads a customer may make per session (`download-attempts`). */
  downloadAttempts: number;
}

export const DEFAULT_RULES: SessionRules = {
  messageMaxSize: 16384,
  nicknameMaxLength: 128,
  flexDisconnectTimeoutMs: 45_000,
  closedRetainMs: 60_000,
  sessionPasswordEnforce: false,
  transcriptMaxEvents: 10_000,
  input: {
    transcriptMaxSize: 4_194_304,
    rateLimit: 60,
    rateIntervalMs: 10_000,
    messageTypeMaxLength: 64,
    kvMaxKeys: 100,
    kvMaxValueSize: 16_384,
    kvMaxSize: 65_536,
  },
  flexPushTimeoutMs: 86_400_000,
  asyncIdleAlertMs: 86_400_000,
  asyncIdleCloseMs: 3_600_000,
  asyncIdleNotices: 'major',
  inactivity: {
    enabled: false,
    alertMs: 255_000,
    alert2Ms: 0,
    closeMs: 45_000,
    messages: {
      alert: 'Chat session will be closed soon due to inactivity of chat participants.',
      alert2: 'Chat session will be closed very soon due to inactivity of chat participants.',
      close: 'Chat session closed due to inactivity of chat participants.',
    },
    includeNotices: 'major',
  },
  push: { enabled: true, onJoin: false, resendAttempts: 3, resendDelayMs: 15_000, content: ['session-id', 'user-id'], restoreSend: false, appDbid: '1' },
  languages: [],
  files: {
    uploadMaxFiles: 3,
    uploadMaxFileSize: 2_097_152,
    uploadMaxTotalSize: 5_242_880,
    uploadFileTypes: ['bmp', 'csv', 'doc', 'docx', 'gif', 'jpeg', 'jpg', 'pdf', 'png', 'txt', 'xls', 'xlsx', 'zip'],
    uploadNeedAgent: true,
    downloadAttempts: 10,
  },
};
