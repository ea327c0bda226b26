/** Time and identity sources are injected so every rule runs the same in a test as in production. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface IdSource {
  /** Chat session id (16 characters). */
  sessionId(): string;
  /** Participant id (16 hex digits). */
  userId(): string;
  /** A crypto-random secret (secure keys, session passwords). */
  secret(): string;
}
