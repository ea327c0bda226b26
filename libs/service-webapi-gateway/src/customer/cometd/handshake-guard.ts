import type { IncomingMessage } from 'node:http';
import type { BayeuxMessage } from 'faye';
import { AddressWindows } from './address-windows';
import type { BayeuxLimits } from './bayeux-server';

/** The Bayeux error of a handshake over the per-address limit (`code::text`, faye's error grammar). */
export const HANDSHAKE_LIMITED = '429::too many handshakes from this address (cometd-handshake-limit)';
const CALLBACK_POLLING = 'callback-polling';

/** Where a refused handshake is told (rate-limited per address). */
export interface HandshakeWarnings {
  warn(remoteAddress: string, fields: Record<string, unknown>, msg: string): void;
}

/** The address a request came from: the TCP peer, never a header a client may write. */
export function remoteAddressOf(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}

/**
 * What the endpoint checks of a remote `/meta/handshake`: the handshakes of its address within the interval, and
 * the connection types it offers and accepts (callback-polling only with JSONP on). A refused handshake gets faye's
 * unsuccessful reply (no client is made) with the error naming the limit and the advice to handshake again once the
 * address's interval is over.
 */
export class HandshakeGuard {
  private readonly windows: AddressWindows | null;
  /** Refused handshake replies waiting for their advice (faye's replies are new objects, without ours). */
  private readonly retryAfter = new WeakMap<IncomingMessage, number>();

  constructor(
    private readonly limits: Pick<BayeuxLimits, 'handshakeLimit' | 'handshakeIntervalSeconds' | 'jsonp' | 'now'>,
    private readonly warnings: HandshakeWarnings,
  ) {
    this.windows = limits.handshakeLimit > 0 ? new AddressWindows(limits.handshakeIntervalSeconds * 1000, limits.now) : null;
  }

  incoming(message: BayeuxMessage, request: IncomingMessage): void {
    if (!this.limits.jsonp && Array.isArray(message.supportedConnectionTypes)) {
      message.supportedConnectionTypes = message.supportedConnectionTypes.filter((type) => type !== CALLBACK_POLLING);
    }
    if (!this.windows) return;
    const address = remoteAddressOf(request);
    const { count, remainingMs } = this.windows.hit(address);
    if (count <= this.limits.handshakeLimit) return;
    message.error = HANDSHAKE_LIMITED;
    this.retryAfter.set(request, remainingMs);
    const { handshakeLimit: limit, handshakeIntervalSeconds: intervalSeconds } = this.limits;
    this.warnings.warn(address, { limit, intervalSeconds }, 'cometd handshakes over the limit');
  }

  outgoing(reply: BayeuxMessage, request: IncomingMessage | null): void {
    if (!this.limits.jsonp && Array.isArray(reply.supportedConnectionTypes)) {
      reply.supportedConnectionTypes = reply.supportedConnectionTypes.filter((type) => type !== CALLBACK_POLLING);
    }
    if (reply.error !== HANDSHAKE_LIMITED || request === null) return;
    reply.advice = { reconnect: 'handshake', interval: this.retryAfter.get(request) ?? 0 };
  }
}
