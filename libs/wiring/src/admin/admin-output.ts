/** What a command prints: `text` on standard output, `notes` on standard error; `failed` makes the exit code 1. */
export interface AdminOutput {
  text: string;
  notes?: string;
  failed?: boolean;
}

/** A mistake in the command line or its input: the message says what to change. */
export class AdminCommandError extends Error {}
