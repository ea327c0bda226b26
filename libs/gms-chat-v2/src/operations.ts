import type { SessionService } from '@ocs/chat-domain';
import type { Actor, ChatEngineApi, PartyCredentials, SessionView } from '@ocs/chat-engine';
import { GmsApiError } from './errors';
import {
  clientMessageId,
  eventAttributes,
  optionalString,
  readRequestChat,
  requiredHttpUrl,
  requiredString,
  stringMap,
  transcriptPosition,
  type Fields,
} from './requests';
import { firstPage, type ReplyLimits } from './reply-page';
import { toGmsResponse, type GmsResponse } from './response';

/** Customers speak protocol version 106, as GMS does towards Chat Server. */
export const CUSTOMER_CLIENT_VERSION = 106;

/** Operations on an existing chat, by their REST path names. */
export const CHAT_OPERATIONS = [
  'send',
  'refresh',
  'startTyping',
  'stopTyping',
  'disconnect',
  'pushUrl',
  'customNotice',
  'updateNickname',
  'updateData',
] as const;
export type ChatOperation = (typeof CHAT_OPERATIONS)[number];

export function isChatOperation(name: string): name is ChatOperation {
  return (CHAT_OPERATIONS as readonly string[]).includes(name);
}

export interface CustomerChatOptions {
  /** This node's alias, returned in every reply. */
  alias: string;
  /** Where a configured customer API service is routed; undefined for an unknown name. */
  service(serviceName: string): { tenantDbid: number; endpoint: string } | undefined;
  /** How much of the transcript one reply carries; the rest follows from its `nextPosition`. */
  replyLimits?: ReplyLimits;
}

/** `[settings] refresh-max-events` and `refresh-max-text-size` by default. */
export const DEFAULT_REPLY_LIMITS: ReplyLimits = { maxEvents: 1000, maxTextBytes: 1_048_576 };

/**
 * GMS Chat API Version 2 on top of the session engine, independent of the transport: the REST controller and
 * the CometD binding both call it and send what it returns.
 */
export class CustomerChat {
  constructor(
    private readonly engine: ChatEngineApi,
    private readonly options: CustomerChatOptions,
  ) {}

  get alias(): string {
    return this.options.alias;
  }

  /** The configured service of that name; an unknown one is refused (GMS code 306). */
  requireService(serviceName: string): SessionService {
    const target = this.options.service(serviceName);
    if (!target) throw new GmsApiError(404, 306, `unknown chat service "${serviceName.slice(0, 100)}"`);
    return { name: serviceName, ...target };
  }

  async requestChat(serviceName: string, fields: Fields): Promise<{ party: PartyCredentials; response: GmsResponse }> {
    const service = this.requireService(serviceName);
    const request = readRequestChat(fields);
    const timeZone = request.userData.TimeZone;
    const { party, view } = await this.engine.createSession({
      creator: {
        userType: 'CLIENT',
        nickname: request.nickname,
        protocol: 'FLEX',
        clientVersion: CUSTOMER_CLIENT_VERSION,
        userData: request.userData,
        ...(timeZone !== undefined && /^-?\d{1,4}$/.test(timeZone) ? { timeZoneOffset: Number(timeZone) } : {}),
      },
      userData: request.userData,
      service,
    });
    return { party, response: toGmsResponse(view, { secureKey: party.secureKey, alias: this.alias }) };
  }

  /**
   * Runs one operation for the customer `actor` and answers with the transcript the request asked for: one engine call,
   * which answers the customer's view along with the command (in a cluster: one RPC to the session's node).
   */
  async operate(operation: ChatOperation, actor: Actor, fields: Fields): Promise<GmsResponse> {
    const position = transcriptPosition(fields);
    const from = readFrom(operation === 'refresh' ? (position ?? 1) : position);
    const view = await this.command(operation, actor, fields, from);
    return this.reply(actor, view, operation === 'refresh' ? (position ?? 1) : position);
  }

  /** The reply for `actor` with the events from 1-based `position` on (none when undefined, the latest one when negative). */
  async respond(actor: Actor, position: number | undefined): Promise<GmsResponse> {
    return this.reply(actor, await this.engine.read(actor, readFrom(position) ?? Number.MAX_SAFE_INTEGER), position);
  }

  /**
   * `view` as the GMS reply for `actor`; a negative `position` asks for the latest event only. A long transcript is
   * answered in pages (`replyLimits`): `nextPosition` then names the first entry not sent.
   */
  reply(actor: Actor, view: SessionView, position: number | undefined): GmsResponse {
    const shown =
      position !== undefined && position < 0 ? { ...view, events: view.events.slice(-1) } : firstPage(view, this.options.replyLimits ?? DEFAULT_REPLY_LIMITS);
    return toGmsResponse(shown, { secureKey: actor.secureKey, alias: this.alias });
  }

  private async command(operation: ChatOperation, actor: Actor, fields: Fields, from: number | undefined): Promise<SessionView> {
    switch (operation) {
      case 'send':
        return (
          await this.engine.message(
            actor,
            {
              text: requiredString(fields, 'message'),
              ...optional('messageType', optionalString(fields, 'messageType')),
              ...optional('eventAttributes', eventAttributes(fields)),
              ...optional('clientMessageId', clientMessageId(fields)),
            },
            from,
          )
        ).view;
      case 'startTyping':
      case 'stopTyping': {
        const noticeType = operation === 'startTyping' ? 'TYPING_STARTED' : 'TYPING_STOPPED';
        return (await this.engine.notice(actor, { noticeType, text: optionalString(fields, 'message') ?? '' }, from)).view;
      }
      case 'pushUrl':
        return (await this.engine.notice(actor, { noticeType: 'PUSH_URL', text: requiredHttpUrl(fields, 'pushUrl') }, from)).view;
      case 'customNotice': {
        const notice = {
          noticeType: 'USER_CUSTOM',
          text: optionalString(fields, 'message') ?? '',
          ...optional('eventAttributes', eventAttributes(fields)),
          ...optional('userData', stringMap(fields, 'userData')),
        };
        return (await this.engine.notice(actor, notice, from)).view;
      }
      case 'updateNickname':
        return (await this.engine.notice(actor, { noticeType: 'USER_UPDATE_NICK', text: requiredString(fields, 'nickname').trim() }, from)).view;
      case 'updateData': {
        const userData = stringMap(fields, 'userData');
        if (!userData) throw new GmsApiError(400, 400, 'userData is required');
        return this.engine.updateUserData(actor, userData, from);
      }
      case 'disconnect':
        return (await this.engine.leave(actor, 'KEEP_ALIVE', undefined, from)).view;
      case 'refresh':
        return this.engine.read(actor, from ?? 0);
    }
  }
}

/**
 * The transcript position an engine view starts at, for a 1-based GMS `transcriptPosition`: none for none; all for a
 * negative one (the latest event only, cut by `reply`).
 */
export function readFrom(position: number | undefined): number | undefined {
  if (position === undefined) return undefined;
  return position < 0 ? 0 : Math.max(0, position - 1);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
