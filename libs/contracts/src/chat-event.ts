import {
  MAX_CLIENT_VERSION,
  MIN_CLIENT_VERSION,
  NOTICE_TYPES,
  PROTOCOL_TYPES,
  QUIT_REASON_CODES,
  USER_TYPES,
  VISIBILITIES,
  type ChatEvent,
  type KvList,
  type UserType,
} from '@ocs/chat-domain';
import { z } from 'zod';

/** A Genesys key-value list: string values or nested lists. */
export const kvListSchema: z.ZodType<KvList> = z.record(z.string(), z.union([z.string(), z.lazy(() => kvListSchema)]));

const protocolSchema = z.enum(PROTOCOL_TYPES);

const eventBase = {
  position: z.number().int().nonnegative(),
  eventId: z.number().int().positive(),
  at: z.number(),
  userId: z.string(),
  nickname: z.string(),
  visibility: z.enum(VISIBILITIES),
  receiverId: z.string().optional(),
  userData: kvListSchema.optional(),
  eventAttributes: kvListSchema.optional(),
  annihilated: z.boolean().optional(),
};

/** One transcript event as it travels on the bus (the domain's `ChatEvent`). */
export const chatEventSchema: z.ZodType<ChatEvent> = z.discriminatedUnion('kind', [
  z.object({
    ...eventBase,
    kind: z.literal('newParty'),
    userType: z.enum(USER_TYPES),
    personId: z.string().optional(),
    protocol: protocolSchema,
    clientVersion: z.number().int().min(MIN_CLIENT_VERSION).max(MAX_CLIENT_VERSION),
    timeZoneOffset: z.number().optional(),
    text: z.string().optional(),
  }),
  z.object({
    ...eventBase,
    kind: z.literal('partyLeft'),
    reason: z.object({ code: z.number().int().optional(), text: z.string() }),
    quitReasonCode: z.enum(QUIT_REASON_CODES),
    askerId: z.string().optional(),
    text: z.string().optional(),
  }),
  z.object({ ...eventBase, kind: z.literal('message'), text: z.string(), messageType: z.string().optional() }),
  z.object({ ...eventBase, kind: z.literal('notice'), noticeType: z.enum(NOTICE_TYPES), text: z.string() }),
]);

/** The party an event is from, as readers need it (the system itself: user type SYSTEM, party number 0). */
export interface EventSender {
  userId: string;
  nickname: string;
  userType: UserType;
  partyNumber: number;
  isBot: boolean;
}

export const eventSenderSchema: z.ZodType<EventSender> = z.object({
  userId: z.string(),
  nickname: z.string(),
  userType: z.enum(USER_TYPES),
  partyNumber: z.number().int().nonnegative(),
  isBot: z.boolean(),
});
