import { maxRequestBytes } from '@ocs/config';
import { createLogger } from '@ocs/observability';
import { GmsCometdClient, GmsRestClient, type ChatV2Reply } from '@ocs/testing';
import { startEmbedded, type Embedded } from '../embedded';
import { testConfig } from '../test/test-config';

/**
 * The customer REST API against a hostile client, over real HTTP on the embedded product: the same body limits
 * whatever the encoding, 400 (not 500) for a malformed multipart body, the identity and URL fields checked, and a
 * long transcript answered in pages.
 */
const MAX_FIELDS = 20;
const MAX_EVENTS = 10;
const MAX_TEXT = 2048;
const logLines: Array<{ level: string; msg: string; service: string }> = [];
let embedded: Embedded;
let base: string;
let chat: string;
let maxBytes: number;

beforeAll(async () => {
  const config = testConfig({
    'OCS__settings__message-max-size': '2000',
    'OCS__settings__request-max-fields': String(MAX_FIELDS),
    'OCS__settings__refresh-max-events': String(MAX_EVENTS),
    'OCS__settings__refresh-max-text-size': String(MAX_TEXT),
  });
  maxBytes = maxRequestBytes(config);
  const sink = { write: (line: string) => void logLines.push(JSON.parse(line)) };
  embedded = await startEmbedded(config, (service) => createLogger({ service, level: 'info' }, sink));
  base = embedded.urls['webapi-gateway'];
  chat = `${base}/genesys/2/chat/customer-support`;
});

afterAll(async () => {
  await embedded?.close();
});

async function customer(): Promise<GmsRestClient> {
  const client = new GmsRestClient(base);
  expect((await client.requestChat({ nickname: 'Ann' })).status).toBe(200);
  return client;
}

function form(fields: Record<string, string>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return body;
}

async function post(url: string, body: FormData | URLSearchParams | string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', body, headers });
  return { status: response.status, body: (await response.json()) as ChatV2Reply };
}

function manyFields(count: number): Record<string, string> {
  return { nickname: 'Ann', ...Object.fromEntries(Array.from({ length: count }, (_, i) => [`userData[key${i}]`, 'v'])) };
}

/** Log lines at error level or above (pino levels as labels). */
function errorLines(): unknown[] {
  return logLines.filter((line) => line.level === 'error' || line.level === 'fatal');
}

describe('customer REST body limits, the same for form-encoded and multipart bodies', () => {
  it('refuses a multipart body over the size limit with 413 naming it, declared or streamed without a length', async () => {
    const fields = { nickname: 'Ann', 'userData[a]': 'x'.repeat(30_000), 'userData[b]': 'x'.repeat(30_000), 'userData[c]': 'x'.repeat(30_000) };
    const declared = await post(`${chat}/`, form(fields));
    expect(declared).toMatchObject({ status: 413, body: { statusCode: 2, errors: [{ code: 413 }] } });
    expect(declared.body.errors?.[0].message).toBe(`request refused: request entity too large (the limit is ${maxBytes} bytes)`);

    const boundary = 'B0undary';
    const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const chunks = [part('nickname', 'Ann'), ...Array.from({ length: 10 }, (_, i) => part(`userData[k${i}]`, 'y'.repeat(10_000))), `--${boundary}--\r\n`];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const response = await fetch(`${chat}/`, {
      method: 'POST',
      body: stream,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ statusCode: 2, errors: [{ code: 413, message: expect.stringContaining(`${maxBytes} bytes`) }] });
  });

  it('refuses one multipart field over the size limit with 413, and a form-encoded body over it the same way', async () => {
    const field = await post(`${chat}/`, form({ nickname: 'x'.repeat(maxBytes + 10) }));
    expect(field).toMatchObject({ status: 413, body: { statusCode: 2, errors: [{ code: 413 }] } });
    const encoded = await post(`${chat}/`, new URLSearchParams({ nickname: 'x'.repeat(maxBytes + 10) }));
    expect(encoded).toMatchObject({ status: 413, body: { statusCode: 2, errors: [{ code: 413 }] } });
    expect(encoded.body.errors?.[0].message).toBe(`request refused: request entity too large (the limit is ${maxBytes} bytes)`);
  });

  it('refuses more fields than request-max-fields with 400 naming the limit, in either encoding; as many is fine', async () => {
    const expected = {
      status: 400,
      body: { statusCode: 2, errors: [{ code: 400, message: `request refused: too many fields (the limit is ${MAX_FIELDS}, request-max-fields)` }] },
    };
    expect(await post(`${chat}/`, form(manyFields(MAX_FIELDS)))).toMatchObject(expected);
    expect(await post(`${chat}/`, new URLSearchParams(manyFields(MAX_FIELDS)))).toMatchObject(expected);
    expect((await post(`${chat}/`, form(manyFields(MAX_FIELDS - 1)))).status).toBe(200);
    expect((await post(`${chat}/`, new URLSearchParams(manyFields(MAX_FIELDS - 1)))).status).toBe(200);
  });
});

describe('a malformed multipart body', () => {
  it('is a 400 naming the problem on Request Chat, send, refresh and disconnect, with nothing logged as an error', async () => {
    const ann = await customer();
    const boundary = 'XyZ';
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    const identity = (['userId', 'secureKey', 'alias'] as const)
      .map((name) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${ann[name]}\r\n`)
      .join('');
    const truncated = `${identity}--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\nhel`;
    const garbled = `--${boundary}\r\nContent-Disposition form-data name=\r\n\0\0\r\n\r\nx\r\n--${boundary}--\r\n`;
    const urls = [`${chat}/`, ...['send', 'refresh', 'disconnect'].map((operation) => `${chat}/${ann.chatId}/${operation}`)];
    logLines.length = 0;
    for (const url of urls) {
      for (const body of [truncated, garbled]) {
        const reply = await post(url, body, headers);
        expect({ url, status: reply.status, statusCode: reply.body.statusCode, code: reply.body.errors?.[0].code }).toEqual({
          url,
          status: 400,
          statusCode: 2,
          code: 400,
        });
        expect(reply.body.errors?.[0].message).toMatch(/^request refused: malformed multipart body: /);
      }
    }
    const noBoundary = await post(`${chat}/`, 'x', { 'content-type': 'multipart/form-data' });
    expect(noBoundary).toMatchObject({
      status: 400,
      body: { statusCode: 2, errors: [{ code: 400, message: expect.stringContaining('malformed multipart body') }] },
    });
    expect(errorLines()).toEqual([]);
    expect((await ann.op('send', { message: 'still here' })).status).toBe(200);
  });
});

describe('identity and URL fields', () => {
  it('refuses an alias no reply can have carried, naming alias', async () => {
    const ann = await customer();
    for (const alias of ['x'.repeat(33), '<script>', 'a b']) {
      const reply = await ann.op('send', { message: 'hi', alias });
      expect(reply).toMatchObject({ status: 400, body: { statusCode: 2, errors: [{ code: 400, message: expect.stringMatching(/^alias must be/) }] } });
    }
    expect((await ann.op('send', { message: 'hi' })).status).toBe(200);
  });

  it('takes only an absolute http or https URL as pushUrl, naming the field otherwise', async () => {
    const ann = await customer();
    for (const pushUrl of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', '/relative', 'not a url']) {
      const reply = await ann.op('pushUrl', { pushUrl });
      expect(reply).toMatchObject({ status: 400, body: { statusCode: 2, errors: [{ code: 400, message: 'pushUrl must be an absolute http or https URL' }] } });
    }
    const ok = await ann.op('pushUrl', { pushUrl: 'https://shop.example/offer?id=1' });
    expect(ok.status).toBe(200);
    expect(ok.body.messages.at(-1)).toMatchObject({ type: 'PushUrl', text: 'https://shop.example/offer?id=1' });
  });
});

/** A transcript over both page limits: short messages fill a page by count, long ones (300 bytes and more) by text size. */
const LONG_TRANSCRIPT = [
  ...Array.from({ length: 15 }, (_, i) => `short ${i}`),
  ...Array.from({ length: 35 }, (_, i) => `${String(i).padStart(3, '0')} ${'é'.repeat(150)}`),
];

async function customerWithLongTranscript(): Promise<GmsRestClient> {
  const ann = await customer();
  for (const message of LONG_TRANSCRIPT) {
    const sent = await GmsRestClient.post(`${chat}/${ann.chatId}/send`, { userId: ann.userId, secureKey: ann.secureKey, alias: ann.alias, message });
    expect(sent.status).toBe(200);
  }
  return ann;
}

/** Checks one page against the limits and its `nextPosition`; returns its entries. */
function checkedPage({ messages, nextPosition }: ChatV2Reply): ChatV2Reply['messages'] {
  expect(messages.length).toBeLessThanOrEqual(MAX_EVENTS);
  expect(messages.reduce((sum, m) => sum + Buffer.byteLength(m.text ?? ''), 0)).toBeLessThanOrEqual(MAX_TEXT);
  if (messages.length > 0) expect(nextPosition).toBe(messages[messages.length - 1].index + 1);
  return messages;
}

/** The pages, put together, are the whole transcript: every index once, in order, every message text. */
function expectWholeTranscript(seen: ChatV2Reply['messages']): void {
  expect(seen.map((m) => m.index)).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
  expect(seen.filter((m) => m.type === 'Message').map((m) => m.text)).toEqual(LONG_TRANSCRIPT);
  expect(seen.length).toBeGreaterThan(MAX_EVENTS);
}

describe('a long transcript', () => {
  it('comes in pages of at most refresh-max-events entries and refresh-max-text-size bytes, complete and in order', async () => {
    const ann = await customerWithLongTranscript();
    const seen: ChatV2Reply['messages'] = [];
    let position = 0;
    for (let page = 0; page < 50; page++) {
      const reply = await GmsRestClient.post(`${chat}/${ann.chatId}/refresh`, {
        userId: ann.userId,
        secureKey: ann.secureKey,
        alias: ann.alias,
        transcriptPosition: String(position),
      });
      expect(reply.status).toBe(200);
      const messages = checkedPage(reply.body);
      if (messages.length === 0) break;
      seen.push(...messages);
      position = reply.body.nextPosition ?? 0;
    }
    expectWholeTranscript(seen);
  });

  it('reaches a CometD client that asks for notifications as the reply and the pages right behind it, within the same limits', async () => {
    const ann = await customerWithLongTranscript();
    const cometd = await GmsCometdClient.connect(`${base}/genesys/cometd`, 'long-polling');
    try {
      await cometd.publish({ operation: 'requestNotifications', secureKey: ann.secureKey, transcriptPosition: '1' });
      const seen: ChatV2Reply['messages'] = [];
      while (seen.length < LONG_TRANSCRIPT.length + 1) {
        const page = await cometd.inbox.next((r) => r.messages.length > 0 && r.messages[0].index === seen.length + 1, `the page from ${seen.length + 1}`);
        seen.push(...checkedPage(page));
      }
      expectWholeTranscript(seen);
    } finally {
      await cometd.disconnect();
    }
  });
});
