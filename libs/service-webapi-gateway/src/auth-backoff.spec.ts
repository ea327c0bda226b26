import { ChatError, CredentialsRefused } from '@ocs/chat-domain';
import { NotOwnerError } from '@ocs/contracts';
import { AuthBackoff } from './auth-backoff';

function tracker(limit = 3, maxAddresses = 100) {
  let now = 1_000_000;
  const backoff = new AuthBackoff({ limit, intervalMs: 60_000, backoffMs: 30_000 }, () => now, maxAddresses);
  return { backoff, advance: (ms: number) => (now += ms) };
}

describe('AuthBackoff', () => {
  it('lets an address fail limit - 1 times, then refuses it for the backoff period', () => {
    const { backoff, advance } = tracker();
    backoff.failed('10.0.0.1');
    backoff.failed('10.0.0.1');
    expect(backoff.waitMs('10.0.0.1')).toBe(0);
    backoff.failed('10.0.0.1');
    expect(backoff.waitMs('10.0.0.1')).toBe(30_000);
    expect(backoff.waitMs('10.0.0.2')).toBe(0);
    advance(29_999);
    expect(backoff.waitMs('10.0.0.1')).toBe(1);
    advance(1);
    expect(backoff.waitMs('10.0.0.1')).toBe(0);
  });

  it('counts only refusals of the credentials, not the passing refusals of a failover', () => {
    const { backoff } = tracker();
    const passing = [
      new ChatError('SESSION_NOT_FOUND', 'chat session S1 is not restored yet'),
      NotOwnerError.of('S1', 'node-b'),
      new ChatError('STORAGE_UNAVAILABLE', 'no session engine available; try again'),
      new Error('internal'),
    ];
    for (let i = 0; i < 5; i++) for (const error of passing) expect(backoff.refused('10.0.0.1', error)).toBe(false);
    expect(backoff.waitMs('10.0.0.1')).toBe(0);
    expect(backoff.size).toBe(0);
    for (let i = 0; i < 3; i++) expect(backoff.refused('10.0.0.1', new CredentialsRefused('chat session not found'))).toBe(true);
    expect(backoff.waitMs('10.0.0.1')).toBe(30_000);
  });

  it('counts failures within the interval only', () => {
    const { backoff, advance } = tracker();
    backoff.failed('a');
    backoff.failed('a');
    advance(60_000);
    backoff.failed('a');
    backoff.failed('a');
    expect(backoff.waitMs('a')).toBe(0);
    backoff.failed('a');
    expect(backoff.waitMs('a')).toBe(30_000);
  });

  it('counts afresh after a backoff', () => {
    const { backoff, advance } = tracker();
    for (let i = 0; i < 3; i++) backoff.failed('a');
    advance(30_000);
    backoff.failed('a');
    backoff.failed('a');
    expect(backoff.waitMs('a')).toBe(0);
  });

  it('forgets an address once its interval is over, and keeps at most maxAddresses, the least recently seen going first', () => {
    const { backoff, advance } = tracker(3, 2);
    backoff.failed('a');
    advance(60_000);
    expect(backoff.waitMs('a')).toBe(0);
    expect(backoff.size).toBe(0);

    for (let i = 0; i < 3; i++) backoff.failed('a');
    backoff.failed('b');
    backoff.failed('c');
    expect(backoff.size).toBe(2);
    expect(backoff.waitMs('a')).toBe(0);
    for (let i = 0; i < 10_000; i++) backoff.failed(`10.1.${i >> 8}.${i & 255}`);
    expect(backoff.size).toBe(2);
  });

  it('limit 0 disables it', () => {
    const { backoff } = tracker(0);
    for (let i = 0; i < 100; i++) backoff.failed('a');
    expect(backoff.waitMs('a')).toBe(0);
    expect(backoff.size).toBe(0);
    expect(backoff.enabled).toBe(false);
  });
});
