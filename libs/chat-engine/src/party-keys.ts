import { ChatError } from '@ocs/chat-domain';
import type { PartyKeyIndex } from '@ocs/ports';
import type { PartyCredentials } from './engine-api';

/**
 * The node's side of the durable index of the parties' secure keys (cluster): each new party's key is recorded
 * before the party is acknowledged, so that a party presenting its key alone is found while no node holds its
 * session. Without an index (one node holds everything) nothing is recorded and nothing is found here.
 */
export class PartyKeys {
  constructor(private readonly index: PartyKeyIndex | undefined) {}

  /**
   * The party's credentials, once its key is recorded; a failure to record is a storage outage (try again). A new
   * session's creator is recorded before anything of the session exists, a joiner once its join is committed.
   */
  async recorded(party: PartyCredentials): Promise<PartyCredentials> {
    await this.index?.record(party.secureKey, party.sessionId).catch((error: unknown) => {
      throw outage('the chat party could not be recorded now; try again', error);
    });
    return party;
  }

  /** The session the key was recorded for, wherever that session is held (or none). */
  async sessionOf(secureKey: string): Promise<string | undefined> {
    return this.index?.sessionOf(secureKey).catch((error: unknown) => {
      throw outage('the chat party could not be looked up now; try again', error);
    });
  }
}

function outage(message: string, cause: unknown): ChatError {
  return Object.assign(new ChatError('STORAGE_UNAVAILABLE', message), { cause });
}
