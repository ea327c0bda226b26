import type { Actor, SessionView } from './engine-api';
import { viewFrom } from './live-delivery';
import type { SessionAccess } from './party-access';
import type { SessionTimers } from './session-timers';

/**
 * A customer's file transfer on the engine: the limits and what the customer used, the check before a file is
 * stored, and counted downloads. Each is a party's call (its credentials checked); the session's timers are looked
 * at again after it.
 */
export class FileTransfer {
  constructor(
    private readonly access: SessionAccess,
    private readonly timers: SessionTimers,
  ) {}

  async limits(actor: Actor, readFrom?: number): Promise<{ limits: Record<string, string>; view: SessionView }> {
    const { session, party } = await this.access.authenticate(actor);
    session.touch(party.userId);
    this.timers.schedule(session);
    return { limits: session.fileLimits(), view: viewFrom(session, party, readFrom) };
  }

  async checkUpload(actor: Actor, file: { name: string; size: number }): Promise<{ interactionId?: string }> {
    const { session, party } = await this.access.authenticate(actor);
    session.checkUpload(party.userId, file);
    this.timers.schedule(session);
    const { interactionId } = session.state;
    return interactionId ? { interactionId } : {};
  }

  async download(actor: Actor, fileId: string): Promise<{ documentId: string; name: string }> {
    const { session, party } = await this.access.authenticate(actor);
    session.touch(party.userId);
    this.timers.schedule(session);
    return session.download(party.userId, fileId);
  }
}
