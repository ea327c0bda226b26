import { CLIENT_MESSAGE_ID_FIELD, CredentialsRefused, checkClientMessageId, type KvList } from '@ocs/chat-domain';
import type { Actor } from '@ocs/chat-engine';
import { GmsApiError } from './errors';

/**
 * Reading Chat V2 requests. REST bodies arrive form-encoded with flat keys (`userData[key]=value`),
 * CometD publishes arrive as JSON with nested `userData`; both are normalised here into typed fields,
 * and anything malformed is refused with a message that names the field.
 */
export type Fields = Record<string, unknown>;

export function optionalString(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw badField(name, 'must be a single text value');
  return value;
}

export function requiredString(fields: Fields, name: string): string {
  const value = optionalString(fields, name);
  if (value === undefined) throw badField(name, 'is required');
  return value;
}

/** A URL others are shown and may open (`pushUrl`): absolute, `http` or `https` only (never `javascript:` or `data:`). */
export function requiredHttpUrl(fields: Fields, name: string): string {
  const value = requiredString(fields, name).trim();
  const url = URL.parse(value);
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw badField(name, 'must be an absolute http or https URL');
  return value;
}

/** `transcriptPosition`: a whole number; absent stays undefined. */
export function transcriptPosition(fields: Fields): number | undefined {
  const raw = optionalString(fields, 'transcriptPosition');
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d{1,9}$/.test(raw)) throw badField('transcriptPosition', `must be a whole number, got "${raw.slice(0, 20)}"`);
  return Number(raw);
}

/**
 * `clientMessageId`, our extension: the client's own id for a message (1 to 64 printable ASCII characters), so that
 * sending the message again after an unanswered attempt stores it once. Absent: the message is stored every time.
 */
export function clientMessageId(fields: Fields): string | undefined {
  const value = optionalString(fields, CLIENT_MESSAGE_ID_FIELD);
  return value === undefined ? undefined : checkClientMessageId(value);
}

/** The REST form of the same: an `Idempotency-Key` header, which a `clientMessageId` field given too must equal. */
export function withIdempotencyKey(fields: Fields, header: string | undefined): Fields {
  if (header === undefined) return fields;
  const key = checkClientMessageId(header, 'Idempotency-Key');
  const field = optionalString(fields, CLIENT_MESSAGE_ID_FIELD);
  if (field !== undefined && field !== key) throw badField(CLIENT_MESSAGE_ID_FIELD, 'differs from the Idempotency-Key header');
  return { ...fields, [CLIENT_MESSAGE_ID_FIELD]: key };
}

/** `userData` as a nested object (CometD) or as flat bracket keys `userData[key]` (REST forms). */
export function stringMap(fields: Fields, name: string): Record<string, string> | undefined {
  const nested = fields[name];
  const out: Record<string, string> = {};
  let found = false;
  if (nested !== undefined && nested !== null) {
    if (typeof nested !== 'object' || Array.isArray(nested)) throw badField(name, 'must be an object of text values');
    for (const [key, value] of Object.entries(nested)) out[key] = mapValue(name, key, value);
    found = true;
  }
  const prefix = `${name}[`;
  for (const [raw, value] of Object.entries(fields)) {
    if (!raw.startsWith(prefix) || !raw.endsWith(']')) continue;
    const key = raw.slice(prefix.length, -1);
    if (key === '') throw badField(raw, 'needs a key between the brackets');
    out[key] = mapValue(name, key, value);
    found = true;
  }
  return found ? out : undefined;
}

/** `eventAttributes`: a JSON object (REST sends it as a JSON string) of text values or nested objects. */
export function eventAttributes(fields: Fields): KvList | undefined {
  let value = fields.eventAttributes;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw badField('eventAttributes', 'must be a JSON object');
    }
  }
  return toKvList(value, 'eventAttributes', 0);
}

function toKvList(value: unknown, path: string, depth: number): KvList {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badField(path, 'must be a JSON object');
  if (depth > 8) throw badField(path, 'is nested too deeply');
  const out: KvList = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else out[key] = toKvList(v, `${path}.${key}`, depth + 1);
  }
  return out;
}

function mapValue(name: string, key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badField(`${name}[${key}]`, 'must be a single text value');
}

function badField(name: string, problem: string): GmsApiError {
  return new GmsApiError(400, 400, `${name} ${problem}`);
}

export interface RequestChatFields {
  nickname: string;
  subject?: string;
  emailAddress?: string;
  userData: Record<string, string>;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Request Chat: a nickname, or first and last name; the name, e-mail address and subject also go into the
 * session user data under the keys contact identification reads (FirstName, LastName, EmailAddress, Subject).
 */
export function readRequestChat(fields: Fields): RequestChatFields {
  const firstName = optionalString(fields, 'firstName')?.trim();
  const lastName = optionalString(fields, 'lastName')?.trim();
  const emailAddress = optionalString(fields, 'emailAddress')?.trim() || undefined;
  const subject = optionalString(fields, 'subject');
  let nickname = optionalString(fields, 'nickname')?.trim();
  if (!nickname) {
    if (firstName && !lastName) throw new GmsApiError(400, 103, 'lastName is required when nickname is not given');
    if (!firstName && lastName) throw new GmsApiError(400, 102, 'firstName is required when nickname is not given');
    if (!firstName || !lastName) throw new GmsApiError(400, 161, 'nickname, or firstName and lastName, is required');
    nickname = `${firstName} ${lastName}`;
  }
  if (emailAddress !== undefined && !EMAIL.test(emailAddress)) throw new GmsApiError(400, 364, 'emailAddress is not a valid e-mail address');
  const userData: Record<string, string> = {
    ...(firstName ? { FirstName: firstName } : {}),
    ...(lastName ? { LastName: lastName } : {}),
    ...(emailAddress ? { EmailAddress: emailAddress } : {}),
    ...(subject ? { Subject: subject } : {}),
    ...stringMap(fields, 'userData'),
  };
  return { nickname, ...(subject ? { subject } : {}), ...(emailAddress ? { emailAddress } : {}), userData };
}

/** An alias as `[server] alias` allows it: what a reply may have answered. */
const ALIAS = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The caller's identity from the request fields; a missing field, or an `alias` no node can have answered, is
 * refused without looking at any session. The alias is not compared with this node's: GMS lets it change within a
 * session, and any gateway of a cluster serves any session.
 */
export function customerActor(sessionId: string, fields: Fields, required: readonly string[]): Actor {
  for (const name of required) {
    if (!optionalString(fields, name)) throw badField(name, 'is required');
  }
  const alias = optionalString(fields, 'alias');
  if (alias && !ALIAS.test(alias)) throw badField('alias', 'must be the alias of a reply: 1 to 32 characters from A-Z a-z 0-9 _ -');
  return { sessionId, userId: optionalString(fields, 'userId') ?? '', secureKey: optionalString(fields, 'secureKey') ?? '', via: 'FLEX' };
}

/**
 * The customer a CometD-mode request names by its `secureKey` (Genesys Widgets send its `chatId` too, and the session
 * is then looked for there, restored if its node is gone); a `userId` or `chatId` sent along must match the party the
 * key belongs to. A mismatch is refused like an unknown key, as a refusal of the credentials.
 */
export async function secureKeyActor(fields: Fields, findParty: (secureKey: string, sessionId?: string) => Promise<Actor | undefined>): Promise<Actor> {
  const userId = optionalString(fields, 'userId');
  const chatId = optionalString(fields, 'chatId');
  const found = await findParty(requiredString(fields, 'secureKey'), chatId);
  if (!found || (userId && userId !== found.userId) || (chatId && chatId !== found.sessionId)) {
    throw new CredentialsRefused('chat session not found, or the credentials do not match it');
  }
  return { ...found, via: 'FLEX' };
}
