import { MemoryEventBus, MemoryFanOut } from '@ocs/adapters-memory';
import type { ServerEvent } from '@ocs/agent-protocol';
import { routingAgentChannel, TOPICS, type RoutingCommandRecord } from '@ocs/contracts';
import type { BusRecord } from '@ocs/ports';
import { AgentRoutingLink } from './agent-routing';

let bus: MemoryEventBus;
let fanOut: MemoryFanOut;
let sent: ServerEvent[];
let records: BusRecord[];

beforeEach(async () => {
  bus = new MemoryEventBus();
  fanOut = new MemoryFanOut();
  sent = [];
  records = [];
  await bus.subscribe(TOPICS.routingCommands, 'test', (r) => void records.push(r));
});

const link = (scope = {}) => new AgentRoutingLink({ bus, fanOut, now: () => 5 }, 'ann', scope, (e) => void sent.push(e));
const tick = () => new Promise((resolve) => setImmediate(resolve));
const commands = () => records.map((r) => r.value as RoutingCommandRecord);

describe('AgentRoutingLink', () => {
  it('sends the login as the connection’s agent, and answers the reply with the request id it answers', async () => {
    const ann = link({ tenants: [3] });
    await ann.handle({ type: 'routingLogin', requestId: 'r1', capacity: { chat: 2 }, queues: ['sales'] });
    await bus.idle();
    const [login] = commands();
    expect(login).toMatchObject({ type: 'login', tenant: 3, agentId: 'ann', at: 5, capacity: { chat: 2 }, skills: {}, queues: ['sales'] });
    await fanOut.publish(routingAgentChannel(3, 'ann'), JSON.stringify({ type: 'presence', commandId: login.commandId, agent: null }));
    await tick();
    expect(sent).toEqual([{ type: 'routing', requestId: 'r1', event: { type: 'presence', commandId: login.commandId, agent: null } }]);
  });

  it('passes an offer told twice (after a takeover) to the socket once', async () => {
    const ann = link();
    await ann.handle({ type: 'routingLogin', capacity: { chat: 1 }, queues: ['sales'] });
    const offer = JSON.stringify({ type: 'offer', offerId: 'I1:1', interactionId: 'I1', queue: 'sales', expiresAt: 9, waitMs: 0 });
    await fanOut.publish(routingAgentChannel(1, 'ann'), offer);
    await fanOut.publish(routingAgentChannel(1, 'ann'), offer);
    await tick();
    expect(sent).toEqual([{ type: 'routing', event: JSON.parse(offer) }]);
  });

  it('refuses a request before the login and a tenant outside the token’s, and tells routing of a lost socket', async () => {
    const ann = link({ tenants: [1] });
    await expect(ann.handle({ type: 'routingReady' })).rejects.toThrow('send routingLogin before routingReady');
    await expect(ann.handle({ type: 'routingLogin', tenantDbid: 2, capacity: {}, queues: ['q'] })).rejects.toThrow("outside this token's tenants");
    await ann.handle({ type: 'routingLogin', capacity: {}, queues: ['q'] });
    await ann.lost();
    await bus.idle();
    expect(commands().map((c) => c.type)).toEqual(['login', 'connection-lost']);
    await fanOut.publish(routingAgentChannel(1, 'ann'), JSON.stringify({ type: 'done', commandId: 'x' }));
    await tick();
    expect(sent).toEqual([]);
  });
});
