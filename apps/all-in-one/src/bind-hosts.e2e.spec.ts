import { startTestProduct, type TestProduct } from './test/product';

/** Whether anything answers HTTP at `host:port`: false when the connection is refused. */
async function answers(host: string, port: string): Promise<boolean> {
  try {
    return (await fetch(`http://${host}:${port}/health/live`)).ok;
  } catch {
    return false;
  }
}

describe('bind address per surface in the all-in-one', () => {
  let product: TestProduct;
  beforeAll(async () => {
    // Loopback addresses only: the customer API on 127.0.0.1, ESP and the router on 127.0.0.2, the engine on 127.0.0.3.
    product = await startTestProduct({ 'OCS__server__esp-host': '127.0.0.2', 'OCS__server__engine-host': '127.0.0.3' });
  });
  afterAll(async () => {
    await product.embedded.close();
  });

  it('listens on each surface own host, and nowhere else', async () => {
    const { urls } = product.embedded;
    const port = (service: string) => new URL(urls[service]).port;
    expect(new URL(urls['webapi-gateway']).hostname).toBe('127.0.0.1');
    expect(new URL(urls['esp-gateway']).hostname).toBe('127.0.0.2');
    expect(new URL(urls['session-engine']).hostname).toBe('127.0.0.3');
    expect(new URL(urls['push-notifier']).hostname).toBe('127.0.0.1');

    expect(await answers('127.0.0.2', port('esp-gateway'))).toBe(true);
    expect(await answers('127.0.0.1', port('esp-gateway'))).toBe(false);
    expect(await answers('127.0.0.3', port('session-engine'))).toBe(true);
    expect(await answers('127.0.0.1', port('session-engine'))).toBe(false);
    expect(await answers('127.0.0.1', port('webapi-gateway'))).toBe(true);
    expect(await answers('127.0.0.2', port('webapi-gateway'))).toBe(false);
    // The router is on the ESP address only.
    expect((await fetch(`http://127.0.0.2:${port('esp-gateway')}/router/queues`)).status).toBe(200);
  });
});
