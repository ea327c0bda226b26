import { parseAgentRequest } from './requests';

const refused = (raw: unknown) => {
  const result = parseAgentRequest(JSON.stringify(raw));
  if (result.ok) throw new Error('expected a refusal');
  return result.error.message;
};

describe('routing requests', () => {
  it('reads a login with capacity, skills, queues and readiness', () => {
    const raw = { type: 'routingLogin', requestId: 1, capacity: { chat: 3 }, skills: { french: 7 }, queues: ['sales'], ready: false, notReadyReason: 'lunch' };
    expect(parseAgentRequest(JSON.stringify(raw))).toEqual({ ok: true, request: raw });
  });

  it('refuses a negative or fractional capacity, a skill level above 10, no queues, each naming the field', () => {
    expect(refused({ type: 'routingLogin', capacity: { chat: -1 }, queues: ['q'] })).toBe('field capacity.chat: expected a whole number from 0 to 1000');
    expect(refused({ type: 'routingLogin', capacity: { chat: 1.5 }, queues: ['q'] })).toBe('field capacity.chat: expected a whole number from 0 to 1000');
    expect(refused({ type: 'routingLogin', capacity: { chat: 1 }, skills: { french: 11 }, queues: ['q'] })).toBe(
      'field skills.french: expected a whole number from 0 to 10',
    );
    expect(refused({ type: 'routingLogin', capacity: { chat: 1 }, queues: [] })).toBe('field queues: expected at least one queue');
    expect(refused({ type: 'routingLogin', capacity: { chat: 1 }, queues: ['q'], agentId: 'someone-else' })).toContain('"agentId"');
  });

  it('refuses a transfer naming both or neither of a queue and an agent, and an accept without offer id', () => {
    expect(refused({ type: 'routingTransfer', interactionId: 'I1' })).toBe('a transfer names either a queue or an agentId');
    expect(refused({ type: 'routingTransfer', interactionId: 'I1', queue: 'q', agentId: 'a' })).toBe('a transfer names either a queue or an agentId');
    expect(refused({ type: 'routingAccept' })).toBe('field offerId: expected offer id');
    expect(refused({ type: 'routingNotReady', reason: 'x'.repeat(65) })).toBe('field reason: expected a reason code of at most 64 characters');
  });
});
