import { PushReceiver } from '@ocs/testing';
import { Receiver } from './receiver';

describe('Receiver', () => {
  let server: PushReceiver;
  let receiver: Receiver;

  beforeEach(async () => {
    server = await PushReceiver.start();
    receiver = new Receiver({ url: server.url, timeoutMs: 2_000, maxSockets: 2 });
  });
  afterEach(async () => {
    receiver.close();
    await server.close();
  });

  it.each([
    [{ status: 204 }, { outcome: 'sent', status: 204 }],
    [
      { status: 503, headers: { 'retry-after': '7' } },
      { outcome: 'retry', reason: 'status 503', retryAfterMs: 7_000 },
    ],
    [
      { status: 429, headers: { 'retry-after': '100000' } },
      { outcome: 'retry', reason: 'status 429', retryAfterMs: 300_000 },
    ],
    [
      { status: 503, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' } },
      { outcome: 'retry', reason: 'status 503' },
    ],
    [{ status: 408 }, { outcome: 'retry', reason: 'status 408' }],
    [{ status: 404 }, { outcome: 'refused', status: 404 }],
    [
      { status: 301, headers: { location: 'http://elsewhere.example/' } },
      { outcome: 'refused', status: 301 },
    ],
  ])('reads the answer %j as %j', async (answer, attempt) => {
    server.answer = () => answer;
    expect(await receiver.post('n-1', '{}')).toEqual(attempt);
  });

  it('reports a refused connection as worth trying again', async () => {
    await server.close();
    const attempt = await receiver.post('n-1', '{}');
    expect(attempt).toEqual({ outcome: 'retry', reason: expect.stringMatching(/^ECONNREFUSED/) });
    server = await PushReceiver.start();
  });
});
