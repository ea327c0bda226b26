import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requireBearerSecret } from './bearer-secret';

const SECRET = 'an-internal-secret-of-32-characters!';
let server: Server;
let url: string;

beforeAll(async () => {
  const guard = requireBearerSecret(SECRET, '[cluster] internal-secret');
  server = createServer((request, response) => guard(request, response, () => response.end('passed')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const call = (authorization?: string) => fetch(url, { method: 'POST', headers: authorization ? { authorization } : {} });

describe('requireBearerSecret', () => {
  it('lets a request with the secret through', async () => {
    const response = await call(`Bearer ${SECRET}`);
    expect([response.status, await response.text()]).toEqual([200, 'passed']);
  });

  it.each([undefined, `Basic ${Buffer.from(`x:${SECRET}`).toString('base64')}`, SECRET])(
    'answers 401 with a challenge naming the option to %s',
    async (authorization) => {
      const response = await call(authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toEqual({ error: { message: 'send Authorization: Bearer <[cluster] internal-secret>' } });
    },
  );

  it.each([`Bearer ${SECRET.slice(1)}`, `Bearer ${SECRET}x`, 'Bearer x'])(
    'answers 403 to a wrong secret, never showing the right one (%s)',
    async (authorization) => {
      const response = await call(authorization);
      expect(response.status).toBe(403);
      const body = await response.text();
      expect(body).toBe(JSON.stringify({ error: { message: 'wrong secret: send the [cluster] internal-secret' } }));
    },
  );
});
