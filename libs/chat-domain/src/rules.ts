/** The configurable limits and timeouts a session obeys (from `[settings]`, converted to milliseconds). */
export interface SessionRules {
  /** Largest text of a message or notice, in UTF-8 bytes (`message-max-size`). */
  messageMaxSize: number;
  /** Longest nickname, in characters (`nickname-max-length`). */
  nicknameMaxLength: number;
  /** A customer with no request and no live connection for this long is removed (`flex-disconnect-timeout`). */
  flexDisconnectTimeoutMs: number;
  /** A closed session stays readable this long (`closed-session-retain-time`). */
  closedRetainMs: number;
  /** Generate a session password at creation and require it from every later join (`session-password-enforce`). */
  sessionPasswordEnforce: boolean;
  /** A session refuses new messages and notices beyond this many events (`transcript-max-events`). */
  transcriptMaxEvents: number;
}

export const DEFAULT_RULES: SessionRules = {
  messageMaxSize: 16384,
  nicknameMaxLength: 128,
  flexDisconnectTimeoutMs: 45_000,
  closedRetainMs: 60_000,
  sessionPasswordEnforce: false,
  transcriptMaxEvents: 10_000,
};
