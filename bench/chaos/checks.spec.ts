import { checkPushes, checkRouting, type ReceivedPush } from './checks';
import { newRecord } from './records';
import { RoutingDesk } from './routing-desk';

function chat(index: number, sessionId: string) {
  const record = newRecord(index, 'rest', 'customer-support');
  record.sessionId = sessionId;
  return record;
}

describe('the chaos run’s routing check', () => {
  it('passes a chat handed to one agent, also when the agent heard the offer and the hand-over again', async () => {
    const desk = new RoutingDesk<string>();
    const record = chat(0, 'S0');
    desk.offered('Agent 0', 'I0:1', 'I0');
    expect(desk.routed('Agent 0', 'a0', 'I0:1', 'I0', 'S0')).toBe(true);
    expect(desk.routed('Agent 0', 'a0', 'I0:1', 'I0', 'S0')).toBe(true);
    desk.joined('S0');
    await expect(desk.agentFor(record, 1_000, () => true)).resolves.toBe('a0');
    await expect(desk.record('S0')).resolves.toBe(record);
    expect(checkRouting([record], (id) => desk.chat(id))).toEqual([]);
  });

  it('finds a chat never routed, one routed to two agents, one offered again after it was routed, one returned', () => {
    const desk = new RoutingDesk<string>();
    const records = ['S0', 'S1', 'S2', 'S3'].map((id, i) => chat(i, id));
    desk.offered('Agent 0', 'I0:1', 'I0');
    desk.routed('Agent 1', 'a1', 'I1:1', 'I1', 'S1');
    expect(desk.routed('Agent 2', 'a2', 'I1:2', 'I1', 'S1')).toBe(false);
    desk.routed('Agent 1', 'a1', 'I2:1', 'I2', 'S2');
    desk.offered('Agent 3', 'I2:2', 'I2');
    desk.routed('Agent 1', 'a1', 'I3:1', 'I3', 'S3');
    desk.returned('I3', 'agent-lost');
    const found = checkRouting(records, (id) => desk.chat(id));
    expect(found).toEqual([
      'chat 0 (S0): never handed to an agent by routing (0 offers heard)',
      'chat 1 (S1): routed to 2 agents (Agent 1, Agent 2)',
      expect.stringMatching(/^chat 2 \(S2\): offered again after it was routed \(I2:2 to Agent 3\)/),
      'chat 3 (S3): returned to its queue (agent-lost)',
    ]);
  });
});

describe('the chaos run’s push check', () => {
  const push = (id: string, raw: string): ReceivedPush => ({ id, deviceId: 'd0', raw });

  it('passes a redelivery under the same id and finds one notification under two ids or one id with two bodies', () => {
    expect(checkPushes([], [push('p1', '{"a":1}'), push('p1', '{"a":1}')])).toEqual([]);
    expect(checkPushes([], [push('p1', '{"a":1}'), push('p2', '{"a":1}')])).toEqual([expect.stringContaining('delivered under 2 ids (p1, p2)')]);
    expect(checkPushes([], [push('p1', '{"a":1}'), push('p1', '{"a":2}')])).toEqual(['push p1 redelivered with another body']);
  });
});
