import { ChatError } from '@ocs/chat-domain';
import { AgentTestClient, GmsCometdClient, GmsRestClient, type ChatV2Reply } from '@ocs/testing';
import type { Embedded } from '@ocs/wiring';
import { AGENT_TOKEN as DESK, TestRouter, startTestProduct } from './test/product';
const FILE_TYPES = 'bmp:csv:doc:docx:gif:jpeg:jpg:pdf:png:txt:xls:xlsx:zip';

let embedded: Embedded;
let gateway: string;
let router: TestRouter;
let addDocument: jest.SpyInstance;
const agents: AgentTestClient[] = [];
const cometdClients: GmsCometdClient[] = [];

beforeAll(async () => {
  let esp: string;
  ({ embedded, gateway, esp } = await startTestProduct({
    OCS__client_file_transfer__upload_max_files: '2',
    OCS__client_file_transfer__upload_max_file_size: '1000',
    OCS__client_file_transfer__upload_max_total_size: '1500',
    OCS__client_file_transfer__download_attempts: '2',
    OCS__client_file_transfer__upload_need_agent: 'true',
  }));
  router = new TestRouter(esp);
  addDocument = jest.spyOn(embedded.ucs, 'addDocument');
});

afterEach(async () => {
  jest.restoreAllMocks();
  addDocument = jest.spyOn(embedded.ucs, 'addDocument');
  for (const a of agents.splice(0)) await a.close();
  for (const c of cometdClients.splice(0)) if (c.cometd.getStatus() !== 'disconnected') await c.disconnect();
});

afterAll(async () => {
  await embedded.close();
});

interface Reply {
  status: number;
  headers: Headers;
  body: ChatV2Reply & { userData?: Record<string, string> };
}

interface FileSpec {
  name: string;
  content: Uint8Array;
  type?: string;
}

function multipart(fields: Record<string, string>, file?: FileSpec): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  if (file) form.append('file', new Blob([file.content], { type: file.type ?? 'text/plain' }), file.name);
  return form;
}

async function post(url: string, body: FormData | URLSearchParams, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers });
}

async function json(response: Response): Promise<Reply> {
  return { status: response.status, headers: response.headers, body: (await response.json()) as Reply['body'] };
}

async function bytes(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

/** `size` bytes covering every byte value, so text decoding anywhere on the way would show. */
function binary(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) % 256);
}

async function customer(nickname = 'Ann'): Promise<GmsRestClient> {
  const client = new GmsRestClient(gateway);
  expect((await client.requestChat({ nickname })).status).toBe(200);
  return client;
}

function identity(c: GmsRestClient): Record<string, string> {
  return { userId: c.userId, secureKey: c.secureKey, alias: c.alias };
}

function fileUrl(c: GmsRestClient, path = ''): string {
  return `${gateway}/genesys/2/chat/customer-support/${c.chatId}/file${path}`;
}

async function agentIn(chatId: string, nickname = 'Bob'): Promise<AgentTestClient> {
  const client = await AgentTestClient.connect(`${gateway.replace(/^http/, 'ws')}/agent/ws`);
  agents.push(client);
  await client.expect('registered', { type: 'register', token: DESK, nickname, userType: 'AGENT' });
  await client.expect('sessionInfo', await router.join(chatId));
  return client;
}

function upload(c: GmsRestClient, file: FileSpec, fields: Record<string, string> = {}): Promise<Reply> {
  return post(fileUrl(c), multipart({ ...identity(c), ...fields }, file)).then(json);
}

/** As Widgets ask: multipart with the identity triple. */
async function limits(c: GmsRestClient): Promise<Record<string, string>> {
  const reply = await json(await post(fileUrl(c, '/limits'), multipart(identity(c))));
  expect(reply.status).toBe(200);
  return reply.body.userData ?? {};
}

function download(c: GmsRestClient, fileId: string): Promise<Response> {
  return post(fileUrl(c, `/${fileId}/download`), multipart(identity(c)));
}

/** The customer's whole transcript, as a refresh from position 1 returns it. */
async function transcript(c: GmsRestClient): Promise<ChatV2Reply['messages']> {
  return (await GmsRestClient.post(`${gateway}/genesys/2/chat/customer-support/${c.chatId}/refresh`, { ...identity(c), transcriptPosition: '1' })).body
    .messages;
}

function refusal(reply: Reply, status: number, code: number): void {
  expect(reply.status).toBe(status);
  expect(reply.body).toMatchObject({ statusCode: 2, alias: '1', messages: [] });
  expect(reply.body.errors?.[0]?.code).toBe(code);
}

/** `work` stores no document in UCS and adds nothing to the customer's transcript. */
async function leavesNoTrace(c: GmsRestClient, work: () => Promise<void>): Promise<void> {
  const stored = addDocument.mock.calls.length;
  const entries = (await transcript(c)).length;
  await work();
  expect(addDocument.mock.calls.length).toBe(stored);
  expect(await transcript(c)).toHaveLength(entries);
}

function expectedLimits(used: { files: number; bytes: number; downloads: number }): Record<string, string> {
  return {
    'upload-max-files': '2',
    'upload-max-file-size': '1000',
    'upload-max-total-size': '1500',
    'upload-file-types': FILE_TYPES,
    'upload-need-agent': 'true',
    'download-attempts': '2',
    'delete-file': 'false',
    'used-upload-max-files': String(used.files),
    'used-upload-max-total-size': String(used.bytes),
    'used-download-attempts': String(used.downloads),
  };
}

describe('customer file transfer over REST', () => {
  it('answers Get File Limits with a Notice from the customer, also in the top-level userData, adding no transcript entry', async () => {
    const ann = await customer();
    const reply = await json(await post(fileUrl(ann, '/limits'), multipart(identity(ann))));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      statusCode: 0,
      chatEnded: false,
      chatId: ann.chatId,
      userId: ann.userId,
      secureKey: ann.secureKey,
      alias: '1',
      nextPosition: 2,
    });
    expect(reply.body.messages).toEqual([
      {
        from: { nickname: 'Ann', participantId: 1, type: 'Client' },
        index: 0,
        type: 'Notice',
        text: 'file-client-cfg-get',
        utcTime: expect.any(Number),
        userData: expectedLimits({ files: 0, bytes: 0, downloads: 0 }),
      },
    ]);
    expect(reply.body.userData).toEqual(expectedLimits({ files: 0, bytes: 0, downloads: 0 }));

    const formEncoded = await GmsRestClient.post(fileUrl(ann, '/limits'), identity(ann));
    expect(formEncoded.body.messages[0]).toMatchObject({ type: 'Notice', text: 'file-client-cfg-get' });
    expect((await transcript(ann)).map((m) => m.type)).toEqual(['ParticipantJoined']);
  });

  it('refuses an upload until an agent is there; then the agent gets the notice live, and the customer downloads identical bytes, twice', async () => {
    const ann = await customer();
    const scan: FileSpec = { name: 'Rechnung März "2025".pdf', content: binary(300), type: 'application/pdf' };
    await leavesNoTrace(ann, async () => refusal(await upload(ann, scan), 400, 201));

    const bob = await agentIn(ann.chatId);
    const uploaded = await upload(ann, scan, { 'userData[file-description]': 'my bill', 'userData[order]': '42', 'userData[file-document-id]': 'forged' });
    expect(uploaded.status).toBe(200);
    expect(uploaded.body).toMatchObject({ statusCode: 0, chatId: ann.chatId, userData: { 'file-id': '1' } });

    const live = await bob.pushed(ann.chatId, (e) => e.kind === 'notice' && e.text === 'file-uploaded', 'file-uploaded notice');
    const notice = live.events.find((e) => e.text === 'file-uploaded');
    expect(notice).toMatchObject({ noticeType: 'SYS_COMMAND', userType: 'CLIENT', nickname: 'Ann' });
    const documentId = String(notice?.userData?.['file-document-id']);
    expect(notice?.userData).toEqual({
      'file-id': '1',
      'file-name': 'Rechnung März "2025".pdf',
      'file-size': '300',
      'file-source': 'ucs',
      'file-document-id': expect.stringMatching(/^[0-9A-F]{16}$/),
      'file-upload-type': 'file-system',
      'file-description': 'my bill',
      order: '42',
    });
    const { interactionId } = await embedded.engine.sessionInfo(ann.chatId);
    expect(interactionId).toEqual(expect.any(String));
    expect(await embedded.ucs.getDocument(documentId)).toMatchObject({
      name: 'Rechnung März "2025".pdf',
      mimeType: 'application/pdf',
      size: 300,
      interactionId,
    });
    const [shown] = (await transcript(ann)).filter((m) => m.type === 'FileUploaded');
    expect(shown).toMatchObject({
      from: { nickname: 'Ann', type: 'Client' },
      userData: { 'file-id': '1', 'file-name': 'Rechnung März "2025".pdf', 'file-size': '300' },
    });
    expect(await limits(ann)).toEqual(expectedLimits({ files: 1, bytes: 300, downloads: 0 }));

    const first = await download(ann, '1');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('content-disposition')).toBe(
      `attachment; filename="Rechnung M_rz _2025_.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz%20%222025%22.pdf`,
    );
    expect(await bytes(first)).toEqual(scan.content);
    expect(await limits(ann)).toEqual(expectedLimits({ files: 1, bytes: 300, downloads: 1 }));

    const second = await post(fileUrl(ann, '/1/download'), new URLSearchParams(identity(ann)));
    expect(await bytes(second)).toEqual(scan.content);
    refusal(await json(await download(ann, '1')), 400, 201);
    expect(await limits(ann)).toEqual(expectedLimits({ files: 1, bytes: 300, downloads: 2 }));

    // The agent fetches the customer's file from UCS by its document id.
    const fetched = await fetch(`${gateway}/agent/documents/${documentId}`, { headers: { authorization: `Bearer ${DESK}` } });
    expect(await bytes(fetched)).toEqual(scan.content);
  });

  it('refuses a file of the wrong type, too large, over the total size or one too many, storing nothing and adding no entry', async () => {
    const ann = await customer();
    await agentIn(ann.chatId);
    await leavesNoTrace(ann, async () => refusal(await upload(ann, { name: 'tool.exe', content: binary(10) }), 400, 203));
    await leavesNoTrace(ann, async () => refusal(await upload(ann, { name: 'big.txt', content: binary(1001) }), 400, 202));
    // Cut off at the limit while it arrives: refused the same way, never a 500.
    await leavesNoTrace(ann, async () => refusal(await upload(ann, { name: 'huge.txt', content: binary(5_000_000) }), 400, 202));
    expect((await upload(ann, { name: 'a.txt', content: binary(1000) })).body.userData).toEqual({ 'file-id': '1' });
    await leavesNoTrace(ann, async () => refusal(await upload(ann, { name: 'b.txt', content: binary(501) }), 400, 202));
    expect((await upload(ann, { name: 'c.TXT', content: binary(500) })).body.userData).toEqual({ 'file-id': '2' });
    await leavesNoTrace(ann, async () => refusal(await upload(ann, { name: 'd.txt', content: binary(0) }), 400, 201));
    expect(await limits(ann)).toEqual(expectedLimits({ files: 2, bytes: 1500, downloads: 0 }));
  });

  it('removes the stored document when the notice is refused after all', async () => {
    const ann = await customer();
    await agentIn(ann.chatId);
    const removeDocument = jest.spyOn(embedded.ucs, 'removeDocument');
    jest.spyOn(embedded.engine, 'notice').mockRejectedValueOnce(new ChatError('UPLOAD_TOO_MANY_FILES', 'another upload took the last place'));
    refusal(await upload(ann, { name: 'late.txt', content: binary(20) }), 400, 201);
    const stored = (await addDocument.mock.results[0].value) as { documentId: string };
    expect(removeDocument).toHaveBeenCalledWith(stored.documentId);
    expect(await embedded.ucs.getDocument(stored.documentId)).toBeUndefined();
    expect((await transcript(ann)).map((m) => m.type)).toEqual(['ParticipantJoined', 'ParticipantJoined']);
  });

  it('answers 404 for an unknown file id and for the file id of another chat', async () => {
    const ann = await customer();
    await agentIn(ann.chatId);
    await upload(ann, { name: 'mine.txt', content: binary(10) });
    const carl = await customer('Carl');
    refusal(await json(await download(carl, '1')), 404, 404);
    refusal(await json(await download(ann, '99')), 404, 404);
    refusal(await json(await post(fileUrl(carl, '/1/delete'), new URLSearchParams(identity(carl)))), 404, 404);
    refusal(await json(await download(ann, 'x'.repeat(500))), 404, 404);
  });

  it('deletes a file: FileDeleted in the transcript, the document gone from UCS', async () => {
    const ann = await customer();
    const bob = await agentIn(ann.chatId);
    await upload(ann, { name: 'oops.png', content: binary(64), type: 'image/png' });
    const live = await bob.pushed(ann.chatId, (e) => e.text === 'file-uploaded', 'file-uploaded notice');
    const documentId = String(live.events[0].userData?.['file-document-id']);

    const deleted = await json(await post(fileUrl(ann, '/1/delete'), multipart({ ...identity(ann), transcriptPosition: '3' })));
    expect(deleted.status).toBe(200);
    expect(deleted.body.messages).toMatchObject([
      { index: 3, type: 'FileUploaded' },
      { index: 4, type: 'FileDeleted', userData: { 'file-id': '1' } },
    ]);
    expect(await embedded.ucs.getDocument(documentId)).toBeUndefined();
    await bob.pushed(ann.chatId, (e) => e.text === 'file-deleted', 'file-deleted notice');
    refusal(await json(await download(ann, '1')), 404, 404);
    refusal(await json(await post(fileUrl(ann, '/1/delete'), new URLSearchParams(identity(ann)))), 404, 404);
  });

  it('refuses malformed and incomplete requests with a Chat V2 reply', async () => {
    const ann = await customer();
    await agentIn(ann.chatId);
    const garbage = { 'content-type': 'multipart/form-data; boundary=xyz' };
    refusal(
      await json(await fetch(fileUrl(ann), { method: 'POST', headers: garbage, body: '--xyz\r\nContent-Disposition: form-data; name="userId"\r\n\r\nabc' })),
      400,
      400,
    );
    refusal(await json(await fetch(fileUrl(ann, '/limits'), { method: 'POST', headers: garbage, body: '--xyz\r\nbroken' })), 400, 400);

    const noFile = await json(await post(fileUrl(ann), multipart(identity(ann))));
    refusal(noFile, 400, 400);
    expect(noFile.body.errors?.[0]?.message).toMatch(/^file is required/);
    const wrongPart = multipart(identity(ann));
    wrongPart.append('attachment', new Blob(['x']), 'a.txt');
    refusal(await json(await post(fileUrl(ann), wrongPart)), 400, 400);
    const noKey = await json(await post(fileUrl(ann), multipart({ userId: ann.userId, alias: ann.alias }, { name: 'a.txt', content: binary(5) })));
    refusal(noKey, 400, 400);
    expect(noKey.body.errors?.[0]?.message).toBe('secureKey is required');
    refusal(await json(await post(fileUrl(ann), multipart({ ...identity(ann), secureKey: 'wrong' }, { name: 'a.txt', content: binary(5) }))), 404, 404);
    expect(addDocument).not.toHaveBeenCalled();
  });
});

describe('customer file transfer in CometD mode (/genesys/2/chat-ntf)', () => {
  const ntf = (fields: Record<string, string>, file?: FileSpec) => post(`${gateway}/genesys/2/chat-ntf`, multipart(fields, file));

  it('serves limits, upload, download and delete by secure key; the upload is pushed on the CometD channel', async () => {
    const ann = await GmsCometdClient.connect(`${gateway}/genesys/cometd`, 'long-polling');
    cometdClients.push(ann);
    const started = await ann.requestChat({ nickname: 'Ann' });
    const { secureKey } = ann;
    await agentIn(started.chatId ?? '');

    const limitsReply = await json(await ntf({ operation: 'fileGetLimits', secureKey }));
    expect(limitsReply.body.messages[0]).toMatchObject({ type: 'Notice', text: 'file-client-cfg-get', from: { nickname: 'Ann', participantId: 1 } });
    expect(limitsReply.body.userData).toEqual(expectedLimits({ files: 0, bytes: 0, downloads: 0 }));
    // GMSLIB's spelling, form-encoded.
    const gmslib = await json(
      await post(`${gateway}/genesys/2/chat-ntf`, new URLSearchParams({ operation: 'fileGetsLimits', secureKey, userId: started.userId ?? '', alias: '1' })),
    );
    expect(gmslib.body.userData).toEqual(expectedLimits({ files: 0, bytes: 0, downloads: 0 }));

    const photo: FileSpec = { name: 'photo.jpg', content: binary(700), type: 'image/jpeg' };
    const uploaded = await json(
      await ntf({ operation: 'fileUpload', secureKey, chatId: started.chatId ?? '', 'userData[file-description]': 'a photo' }, photo),
    );
    expect(uploaded.body).toMatchObject({ statusCode: 0, messages: [], userData: { 'file-id': '1' } });
    expect(await ann.message((m) => m.type === 'FileUploaded', 'pushed FileUploaded')).toMatchObject({
      userData: { 'file-id': '1', 'file-name': 'photo.jpg', 'file-description': 'a photo' },
    });
    // GMSLIB uploads without `operation`.
    expect((await json(await ntf({ secureKey, userId: started.userId ?? '' }, { name: 'note.txt', content: binary(3) }))).body.userData).toEqual({
      'file-id': '2',
    });

    const fetched = await ntf({ operation: 'fileDownload', secureKey, fileId: '1' });
    expect(fetched.headers.get('content-type')).toBe('image/jpeg');
    expect(fetched.headers.get('content-disposition')).toContain(`filename*=UTF-8''photo.jpg`);
    expect(await bytes(fetched)).toEqual(photo.content);

    expect((await json(await ntf({ operation: 'fileDelete', secureKey, fileId: '2' }))).body).toMatchObject({ statusCode: 0 });
    expect(await ann.message((m) => m.type === 'FileDeleted', 'pushed FileDeleted')).toMatchObject({ userData: { 'file-id': '2' } });
  });

  it('refuses a missing or mismatched secure key, an unknown operation and an over-limit file like REST', async () => {
    const ann = await customer();
    await agentIn(ann.chatId);
    refusal(await json(await ntf({ operation: 'fileGetLimits' })), 400, 400);
    refusal(await json(await ntf({ operation: 'fileGetLimits', secureKey: 'nope' })), 404, 404);
    refusal(await json(await ntf({ operation: 'fileGetLimits', secureKey: ann.secureKey, userId: 'someone-else' })), 404, 404);
    refusal(await json(await ntf({ operation: 'fileGetLimits', secureKey: ann.secureKey, chatId: 'another-chat' })), 404, 404);
    refusal(await json(await ntf({ operation: 'teleport', secureKey: ann.secureKey })), 400, 400);
    refusal(await json(await ntf({ operation: 'fileDownload', secureKey: ann.secureKey })), 400, 400);
    await leavesNoTrace(ann, async () =>
      refusal(await json(await ntf({ operation: 'fileUpload', secureKey: ann.secureKey }, { name: 'big.txt', content: binary(2000) })), 400, 202),
    );
  });
});

describe('agent documents (/agent/documents)', () => {
  const documents = `/agent/documents`;

  it('stores a document for a bearer token only; the agent posts the notice and the customer downloads it, no customer limit applying', async () => {
    const ann = await customer();
    const bob = await agentIn(ann.chatId);
    const manual: FileSpec = { name: 'manual.bin', content: binary(5000), type: 'application/octet-stream' };

    for (const authorization of [undefined, 'Bearer wrong-secret-0123456789', `Basic ${DESK}`]) {
      const refused = await post(`${gateway}${documents}`, multipart({}, manual), authorization ? { authorization } : {});
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(await refused.json()).toMatchObject({ type: 'error', code: 'AUTH_FAILED' });
    }
    expect(addDocument).not.toHaveBeenCalled();
    expect((await fetch(`${gateway}${documents}/0123456789ABCDEF`)).status).toBe(401);

    const stored = await post(`${gateway}${documents}`, multipart({}, manual), { authorization: `Bearer ${DESK}` });
    expect(stored.status).toBe(201);
    const document = (await stored.json()) as { documentId: string; size: number; name: string; mimeType: string };
    expect(document).toEqual({ documentId: expect.stringMatching(/^[0-9A-F]{16}$/), size: 5000, name: 'manual.bin', mimeType: 'application/octet-stream' });
    const missing = await fetch(`${gateway}${documents}/0123456789ABCDEF`, { headers: { authorization: `Bearer ${DESK}` } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: 'error', code: 'FILE_NOT_FOUND' });
    const noFile = await post(`${gateway}${documents}`, multipart({ name: 'x' }), { authorization: `Bearer ${DESK}` });
    expect(noFile.status).toBe(400);
    expect(await noFile.json()).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });

    await bob.expect('ack', {
      type: 'notify',
      sessionId: ann.chatId,
      noticeType: 'SYS_COMMAND',
      text: 'file-uploaded',
      userData: {
        'file-name': document.name,
        'file-size': String(document.size),
        'file-source': 'ucs',
        'file-document-id': document.documentId,
        'file-upload-type': 'file-system',
      },
    });
    const shown = await ann.waitFor((m) => m.type === 'FileUploaded', 'agent file');
    expect(shown).toMatchObject({ from: { nickname: 'Bob', type: 'Agent' }, userData: { 'file-id': '1', 'file-name': 'manual.bin', 'file-size': '5000' } });
    const fetched = await download(ann, '1');
    expect(fetched.status).toBe(200);
    expect(await bytes(fetched)).toEqual(manual.content);
    // The agent's file counts against none of the customer's upload limits.
    expect(await limits(ann)).toEqual(expectedLimits({ files: 0, bytes: 0, downloads: 1 }));
    // A customer may delete only its own files.
    refusal(await json(await post(fileUrl(ann, '/1/delete'), new URLSearchParams(identity(ann)))), 403, 401);
  });
});
