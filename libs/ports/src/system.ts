import { randomBytes } from 'node:crypto';
import type { Clock, IdSource } from '@ocs/chat-domain';

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Ids in the shapes Genesys clients know (16 hex digits for sessions and users: 64 random bits each), and
 * 128-bit crypto-random secrets (secure keys, session passwords); clients treat all of them as opaque.
 */
export class CryptoIds implements IdSource {
  sessionId(): string {
    return randomBytes(8).toString('hex').toUpperCase();
  }
  userId(): string {
    return randomBytes(8).toString('hex').toUpperCase();
  }
  secret(): string {
    return randomBytes(16).toString('hex');
  }
}
