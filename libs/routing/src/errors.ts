/**
 * Every refusal of the routing core carries one of these codes and a message naming the problem; the transports
 * map the code onto their own error form. A refused operation changes nothing.
 */
export const ROUTING_ERROR_CODES = [
  'INVALID_ARGUMENT',
  'INVALID_CONFIG',
  'UNKNOWN_QUEUE',
  'UNKNOWN_AGENT',
  'UNKNOWN_INTERACTION',
  'UNKNOWN_REQUEST',
  'INTERACTION_GONE',
  'OFFER_EXPIRED',
  'NOT_YOUR_OFFER',
  'NOT_WAITING',
  'NOT_ELIGIBLE',
  'NO_CAPACITY',
] as const;
export type RoutingErrorCode = (typeof ROUTING_ERROR_CODES)[number];

export class RoutingError extends Error {
  constructor(
    readonly code: RoutingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RoutingError';
  }
}

export function isRoutingError(e: unknown): e is RoutingError {
  return e instanceof RoutingError;
}
