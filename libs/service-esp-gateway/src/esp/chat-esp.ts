import { MAX_IDLE_TIMEOUT_S, VISIBILITIES, type ChatEvent, type Clock, type MessageRequest, type NoticeRequest, type SendOptions } from '@ocs/chat-domain';
import type { ChatEngineApi, SessionInfo } from '@ocs/chat-engine';
import { EspFault } from './esp-fault';
import { EspParameters } from './esp-parameters';

/** The one ESP service Chat Server offers. */
export const ESP_SERVICE = 'Chat';
/** The workflow's nickname when a request gives none: real Chat Server transcripts show workflow parties as `system`. */
export const DEFAULT_NICKNAME = 'system';
const INTERACTION_ID = 'InteractionId';
const NOTICE_TYPES = ['USER_PUSHED_URL', 'USER_CUSTOM'] as const;

/** A value of a reply's `Parameters`: text, an integer, or a nested key-value list. */
export type EspValue = string | number | { [key: string]: EspValue };

export interface EspResponse {
  Event: 'Event3rdServerResponse';
  Parameters: Record<string, EspValue>;
}

/** A request whose parameters are all checked, waiting for its session. */
interface Prepared {
  /** It may run on a closed session (only `CloseSession` with `Purge`). */
  acceptsClosed?: boolean;
  /**
   * It restores a session of a lost node (cluster), as `session-restore-extend-by` (`esp`, `both`) allows: every
   * method but `GetSessionInfo`, which does with `InduceRestore=true`. Default true.
   */
  restores?: boolean;
  run(session: SessionInfo): Promise<Record<string, EspValue>>;
}

type ParameterReader = (parameters: EspParameters, name: string) => string | undefined;
const booleanText: ParameterReader = (p, name) => p.oneOf(name, ['true', 'false']);
const anyText: ParameterReader = (p, name) => p.text(name);
const timeout: ParameterReader = (p, name) => p.integer(name, 1, MAX_IDLE_TIMEOUT_S);
/** `timeout-alert2` 0: no second alert. */
const optionalTimeout: ParameterReader = (p, name) => p.integer(name, 0, MAX_IDLE_TIMEOUT_S);

/** `IdleControlConfigure` parameters and how each is checked. */
const IDLE_CONTROL: Readonly<Record<string, ParameterReader>> = {
  'reset-parameters': booleanText,
  enabled: booleanText,
  'include-notices': (p, name) => p.oneOf(name, ['none', 'major', 'major2', 'typing', 'all']),
  'message-alert': anyText,
  'message-alert2': anyText,
  'message-close': anyText,
  'timeout-alert': timeout,
  'timeout-alert2': optionalTimeout,
  'timeout-close': timeout,
};
const CONFIGURE_SESSION = ['async-idle-reset', 'GCTI_LanguageCode', 'GCTI_LanguageName'];

/**
 * The ESP requests of the `Chat` service, as a workflow (URS/ORS strategy) sends them through Interaction
 * Server. Everything a request carries is checked before the session is looked at, and the session is found
 * and checked (known, not closed) before anything in it changes, so a refused request changes nothing.
 * Refusals are thrown: `EspFault`, or the engine's `ChatError`.
 */
export class ChatEsp {
  private readonly methods: Readonly<Record<string, (parameters: EspParameters) => Prepared>> = {
    Message: (p) => this.message(p),
    Notice: (p) => this.notice(p),
    PlaceOnHold: () => this.answeredAfter((sessionId) => this.engine.placeOnHold(sessionId)),
    CloseSession: (p) => this.closeSession(p),
    GetSessionInfo: (p) => this.getSessionInfo(p),
    IdleControlConfigure: (p) => this.idleControlConfigure(p),
    ConfigureSession: (p) => this.configureSession(p),
  };

  constructor(
    private readonly engine: ChatEngineApi,
    private readonly clock: Clock,
  ) {}

  /** The methods of service `Chat` it serves. */
  get methodNames(): readonly string[] {
    return Object.keys(this.methods);
  }

  /** Serves one request: `{"Service":"Chat","Method":…,"Parameters":{…},"UserData":{…}}`. */
  async handle(body: unknown): Promise<EspResponse> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new EspFault('malformedRequest', 'the request must be a JSON object with Service, Method, Parameters and UserData');
    }
    const { Service: service, Method: method, Parameters: parameterList, UserData: userDataList } = body as Record<string, unknown>;
    if (service !== ESP_SERVICE) throw new EspFault('unknownMethod', `unknown service ${quote(service)}; expected ${ESP_SERVICE}`);
    if (typeof method !== 'string' || !Object.hasOwn(this.methods, method)) {
      throw new EspFault('unknownMethod', `unknown method ${quote(method)} of service ${ESP_SERVICE}; expected one of ${Object.keys(this.methods).join(', ')}`);
    }
    const parameters = EspParameters.from(parameterList, 'Parameters');
    const userData = EspParameters.from(userDataList, 'UserData');
    // The explicit parameter wins over the interaction's user data (e.g. a consultation names its parent interaction).
    const interactionId = parameters.text(INTERACTION_ID) || userData.text(INTERACTION_ID);
    if (!interactionId) throw new EspFault('invalidParameter', `${INTERACTION_ID} is missing: give it in Parameters or UserData`);
    const prepared = this.methods[method](parameters);
    const sessionId = await this.engine.findByInteraction(interactionId);
    if (sessionId === undefined) throw new EspFault('sessionNotFound', `no chat session for interaction ${quote(interactionId)}`);
    const session = await this.engine.sessionInfo(sessionId, { restore: prepared.restores ?? true });
    if (session.closed && !prepared.acceptsClosed) throw new EspFault('sessionClosed', `chat session ${sessionId} is closed`);
    return { Event: 'Event3rdServerResponse', Parameters: await prepared.run(session) };
  }

  private message(p: EspParameters): Prepared {
    const text = p.required('MessageText');
    const messageType = p.text('MessageType');
    const { nickname, options } = this.sendOptions(p);
    const request: MessageRequest = { text, ...(messageType ? { messageType } : {}), ...options };
    return { run: async (s) => eventReply(await this.engine.externalMessage(s.sessionId, nickname, request)) };
  }

  private notice(p: EspParameters): Prepared {
    const noticeType = p.requiredOneOf('NoticeType', NOTICE_TYPES);
    const text = p.text('NoticeText');
    if (noticeType === 'USER_PUSHED_URL' && !URL.canParse(text ?? '')) {
      throw new EspFault('invalidParameter', 'NoticeText must be the URL to push (an absolute URL) for NoticeType USER_PUSHED_URL');
    }
    const { nickname, options } = this.sendOptions(p);
    const request: NoticeRequest = { noticeType, ...(text !== undefined ? { text } : {}), ...options };
    return { run: async (s) => eventReply(await this.engine.externalNotice(s.sessionId, nickname, request)) };
  }

  /** `Nickname`, `Visibility` and `EventAttributes` of a message or notice. */
  private sendOptions(p: EspParameters): { nickname: string; options: SendOptions } {
    const nickname = p.text('Nickname');
    const eventAttributes = p.attributes('EventAttributes');
    return {
      nickname: nickname && nickname.trim() !== '' ? nickname : DEFAULT_NICKNAME,
      options: { visibility: p.oneOf('Visibility', VISIBILITIES) ?? 'ALL', ...(eventAttributes ? { eventAttributes } : {}) },
    };
  }

  private closeSession(p: EspParameters): Prepared {
    const closeIfNoAgents = p.flag('CloseIfNoAgents');
    const purge = p.flag('Purge');
    return {
      // Purge forgets a session whatever its state: the closed session kept for the last transcript fetch too.
      acceptsClosed: purge,
      run: async (s) => {
        const { closed } = await this.engine.closeSession(s.sessionId, { closeIfNoAgents, purge });
        return this.processed({ IsClosed: closed ? 1 : 0 });
      },
    };
  }

  /**
   * `InduceRestore=true`: a session this node does not hold is restored here when its node is gone (cluster, with
   * `session-restore-extend-by` `esp` or `both`); a session that does not exist is still a fault.
   */
  private getSessionInfo(p: EspParameters): Prepared {
    const restores = p.oneOf('InduceRestore', ['true', 'false']) === 'true';
    return { restores, run: async (s) => this.processed({ SessionInfo: { CreatedAt: iso(s.createdAt), IsRestored: s.isRestored ? '1' : '0' } }) };
  }

  private idleControlConfigure(p: EspParameters): Prepared {
    p.requireOneOf(Object.keys(IDLE_CONTROL));
    const parameters: Record<string, string> = {};
    for (const [name, read] of Object.entries(IDLE_CONTROL)) {
      const value = read(p, name);
      if (value !== undefined) parameters[name] = value;
    }
    return this.answeredAfter((sessionId) => this.engine.configureIdleControl(sessionId, parameters));
  }

  private configureSession(p: EspParameters): Prepared {
    p.requireOneOf(CONFIGURE_SESSION);
    const [reset, languageCode, languageName] = CONFIGURE_SESSION.map((name) => p.text(name));
    const options = { asyncIdleReset: reset === '1', ...(languageCode ? { languageCode } : {}), ...(languageName ? { languageName } : {}) };
    return this.answeredAfter((sessionId) => this.engine.configureSession(sessionId, options));
  }

  /** A request answered with `OccuredAt` alone once `work` is done in the session. */
  private answeredAfter(work: (sessionId: string) => Promise<void>): Prepared {
    return {
      run: async (s) => {
        await work(s.sessionId);
        return this.processed();
      },
    };
  }

  /** The reply of a request without an event of its own: `OccuredAt` (now, the work being done) and `extra`. */
  private processed(extra: Record<string, EspValue> = {}): Record<string, EspValue> {
    return { OccuredAt: iso(this.clock.now()), ...extra };
  }
}

/** Message and notice replies: when the event happened and its transcript position. */
function eventReply(event: ChatEvent): Record<string, EspValue> {
  return { OccuredAt: iso(event.at), ScriptPos: event.position };
}

/** ISO-8601 UTC with milliseconds. */
function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** A caller's value in a fault text: quoted, cut short. */
function quote(value: unknown): string {
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : value === undefined ? '(missing)' : String(JSON.stringify(value)).slice(0, 40);
}
