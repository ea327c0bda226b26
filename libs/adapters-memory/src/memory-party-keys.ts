import { partyKeyDigest, type PartyKeyIndex } from '@ocs/ports';

/** The session of each party's secure key in memory (embedded mode, tests), by the key's digest as the durable one. */
export class MemoryPartyKeys implements PartyKeyIndex {
  private readonly sessions = new Map<string, string>();

  async record(secureKey: string, sessionId: string): Promise<void> {
    this.sessions.set(partyKeyDigest(secureKey), sessionId);
  }

  async sessionOf(secureKey: string): Promise<string | undefined> {
    return this.sessions.get(partyKeyDigest(secureKey));
  }
}
