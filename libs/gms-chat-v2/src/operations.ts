import type { SessionService } from '@ocs/chat-domain';
import type { Actor, ChatEngineApi, PartyCredentials } from '@ocs/chat-engine';
import { GmsApiError } from './errors';
import { eventAttributes, optionalString, readRequestChat, requiredString, stringMap, transcriptPosition, type Fields } from './requests';
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
}

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

  /** Runs one operation for the customer `actor` and answers with the transcript the request asked for. */
  async operate(operation: ChatOperation, actor: Actor, fields: Fields): Promise<GmsResponse> {
    const position = transcriptPosition(fields);
    switch (operation) {
      case 'send':
        await this.engine.message(actor, {
          text: requiredString(fields, 'message'),
          ...optional('messageType', optionalString(fields, 'messageType')),
          ...optional('eventAttributes', eventAttributes(fields)),
        });
        break;
      case 'startTyping':
      case 'stopTyping':
        await this.engine.notice(actor, {
          noticeType: operation === 'startTyping' ? 'TYPING_STARTED' : 'TYPING_STOPPED',
          text: optionalString(fields, 'message') ?? '',
        });
        break;
      case 'pushUrl':
        await this.engine.notice(actor, { noticeType: 'PUSH_URL', text: requiredString(fields, 'pushUrl') });
        break;
      case 'customNotice':
        await this.engine.notice(actor, {
          noticeType: 'USER_CUSTOM',
          text: optionalString(fields, 'message') ?? '',
          ...optional('eventAttributes', eventAttributes(fields)),
          ...optional('userData', stringMap(fields, 'userData')),
        });
        break;
      case 'updateNickname':
        await this.engine.notice(actor, { noticeType: 'USER_UPDATE_NICK', text: requiredString(fields, 'nickname').trim() });
        break;
      case 'updateData': {
        const userData = stringMap(fields, 'userData');
        if (!userData) throw new GmsApiError(400, 400, 'userData is required');
        await this.engine.updateUserData(actor, userData);
        break;
      }
      case 'disconnect':
        await this.engine.leave(actor, 'KEEP_ALIVE');
        break;
      case 'refresh':
        break;
    }
    return this.respond(actor, operation === 'refresh' ? (position ?? 1) : position);
  }

  /** The reply for `actor`, with the events from 1-based `position` on (none when undefined, the latest one when negative). */
  async respond(actor: Actor, position: number | undefined): Promise<GmsResponse> {
    const view = await this.engine.read(actor, position === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, position - 1));
    const shown = position !== undefined && position < 0 ? { ...view, events: view.events.slice(-1) } : view;
    return toGmsResponse(shown, { secureKey: actor.secureKey, alias: this.alias });
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
