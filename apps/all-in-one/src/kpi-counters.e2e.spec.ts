import { GmsRestClient, until } from '@ocs/testing';
import type { Embedded } from '@ocs/wiring';
import { startTestProduct } from './test/product';

/**
 * `GET /Counters` on the health port (docs/api/counters.md) after chats through the customer API, and the load limits
 * (`limit-for-flex-users`, `limits-restore-threshold`) refusing a new chat and taking one again below the threshold.
 */

let embedded: Embedded;
let gateway: string;
let health: string;

beforeAll(async () => {
  ({ embedded, gateway } = await startTestProduct({
    'OCS__server__health-port': '0',
    'OCS__settings__limits-control-enabled': 'true',
    'OCS__settings__limit-for-sessions': '3',
    'OCS__settings__limit-for-flex-users': '3',
    'OCS__settings__limits-restore-threshold': '50',
    'OCS__settings__closed-session-retain-time': '0',
  }));
  health = embedded.urls.health;
});

afterAll(async () => {
  await embedded.close();
});

async function counters(query: string): Promise<{ status: number; type: string; text: string }> {
  const reply = await fetch(`${health}/Counters${query}`);
  return { status: reply.status, type: reply.headers.get('content-type') ?? '', text: await reply.text() };
}

async function json(query: string): Promise<Record<string, number>> {
  const reply = await counters(query);
  expect(reply.status).toBe(200);
  expect(reply.type).toContain('application/json');
  return JSON.parse(reply.text) as Record<string, number>;
}

async function customer(): Promise<GmsRestClient> {
  const client = new GmsRestClient(gateway);
  const reply = await client.requestChat({ nickname: 'Ann' });
  expect(reply.status).toBe(200);
  return client;
}

describe('KPI counters over HTTP', () => {
  it('counts chats and messages by API and answers every parameter form as the Genesys rules say', async () => {
    const ann = await customer();
    for (const message of ['hello', 'anyone?']) expect((await ann.op('send', { message })).status).toBe(200);
    expect(await json('?content=set')).toMatchObject({ session_created: 1, user_joined_flex: 1, message_flex: 2 });
    const all = await json('');
    expect(all).toMatchObject({ session_closed: 0, message_basic: 0 });
    expect(all.process_memory).toBeGreaterThan(0);
    // An invalid value takes the default: all counters, nothing reset.
    expect(await json('?content=bogus&reset=maybe')).toMatchObject({ session_created: 1, session_closed: 0 });
    await json('?content=new');
    expect((await ann.op('send', { message: 'again' })).status).toBe(200);
    expect(Object.keys(await json('?content=new'))).toEqual(expect.arrayContaining(['message_flex']));
    expect(await json('?content=new')).not.toHaveProperty('message_flex');

    const prometheus = await counters('?prometheus=yes&content=set');
    expect(prometheus.type).toContain('text/plain');
    const samples = Object.fromEntries(
      prometheus.text
        .split('\n')
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => line.split(' ') as [string, string]),
    );
    expect(Number(samples.message_flex)).toBe(3);
    expect(prometheus.text).toContain('# TYPE process_memory gauge');
    // The application metrics are told of the same events by the same hooks: they agree with the counters.
    const metrics = await (await fetch(`${embedded.urls['session-engine']}/metrics`)).text();
    expect(metrics).toMatch(/^ocs_sessions_created_total 1$/m);
    expect(metrics).toMatch(/^ocs_messages_total\{direction="customer-to-agent"\} 3$/m);

    const meta = JSON.parse((await counters('?metadata=true&content=set')).text) as { counters: Array<{ name: string }> };
    expect(meta.counters.map((c) => c.name)).toContain('session_closed');
    const gms = await counters('?gms_info=true&reset=true');
    expect(gms.text).toMatch(/gms_flex_users\{node="1"\} 1/);
    expect((await json('?content=set')).session_created).toBe(1); // gms_info ignored reset

    // reset first, then the rest is answered.
    expect(await json('?reset=yes&content=set')).not.toHaveProperty('session_created');
    expect((await counters('?metadata=true&reset=true')).status).toBe(200);
    expect((await fetch(`${health}/Counters`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${health}/other`)).status).toBe(404);
    expect((await ann.op('disconnect')).status).toBe(200);
  });

  it('refuses new chats with GMS error 503 once a load limit is reached, and takes them again below limits-restore-threshold', async () => {
    const present: GmsRestClient[] = [];
    let refused: Awaited<ReturnType<GmsRestClient['requestChat']>> | undefined;
    for (let i = 0; i < 5 && !refused; i++) {
      const client = new GmsRestClient(gateway);
      const reply = await client.requestChat({ nickname: 'Bob' });
      if (reply.status === 200) present.push(client);
      else refused = reply;
    }
    expect(present.length).toBeLessThanOrEqual(3);
    expect(refused?.status).toBe(503);
    expect(refused?.body).toMatchObject({ errors: [{ code: 503, message: expect.stringContaining('limit-for-') }] });
    expect((await json('?content=set')).session_refused).toBeGreaterThanOrEqual(1);
    // Still refused while at the limit; once the customers leave (their sessions let go at once), taken again.
    expect((await new GmsRestClient(gateway).requestChat({ nickname: 'Cy' })).status).toBe(503);
    for (const client of present) expect((await client.op('disconnect')).status).toBe(200);
    await until(async () => (await new GmsRestClient(gateway).requestChat({ nickname: 'Cy' })).status === 200 || undefined, 'a chat accepted again');
  });
});
