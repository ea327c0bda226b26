import { ChatError } from '@ocs/chat-domain';
import type { Actor, EventView, SessionView } from '@ocs/chat-engine';
import { GmsApiError } from './errors';
import { attachmentDisposition, fileDeletedNotice, fileLimitsResponse, fileUploadedNotice, fileUploadedResponse, ntfOperation } from './files';
import { secureKeyActor } from './requests';

const AT = Date.UTC(2026, 0, 5, 9);

function eventOf(userId: string, nickname: string, partyNumber: number, position: number): EventView {
  return {
    event: { kind: 'newParty', position, eventId: position + 1, at: AT, userId, nickname, visibility: 'ALL' } as EventView['event'],
    from: { userId, nickname, userType: userId === 'C' ? 'CLIENT' : 'AGENT', partyNumber, isBot: false },
  };
}

function view(events: EventView[]): SessionView {
  return { sessionId: 'S', userId: 'C', closed: false, left: false, monitored: false, clientVersion: 106, nextPosition: events.length, events };
}

describe('Get File Limits reply', () => {
  const limits = { 'upload-max-files': '3', 'upload-need-agent': 'true' };

  it('is a Notice from the reader with the limits, and the same map on top, without transcript entries', () => {
    const reply = fileLimitsResponse(view([eventOf('C', 'Ann', 1, 0), eventOf('A', 'Bob', 2, 1)]), limits, { secureKey: 'K', alias: '7' }, AT);
    expect(reply).toEqual({
      statusCode: 0,
      alias: '7',
      chatEnded: false,
      chatId: 'S',
      userId: 'C',
      secureKey: 'K',
      nextPosition: 3,
      monitored: false,
      messages: [
        { from: { nickname: 'Ann', participantId: 1, type: 'Client' }, index: 0, type: 'Notice', text: 'file-client-cfg-get', utcTime: AT, userData: limits },
      ],
      userData: limits,
    });
  });

  it('names the reader as its latest event does (after a nickname change)', () => {
    const reply = fileLimitsResponse(view([eventOf('C', 'Ann', 1, 0), eventOf('C', 'Annie', 1, 1)]), limits, { secureKey: 'K', alias: '7' }, AT);
    expect(reply.messages[0].from.nickname).toBe('Annie');
  });
});

describe('file notices', () => {
  const document = { documentId: '0123456789ABCDEF', name: 'scan.pdf', size: 1234 };

  it('describe an upload with the server’s keys, which the client’s user data cannot override', () => {
    const fields = { 'userData[file-description]': 'my bill', 'userData[file-document-id]': 'forged', 'userData[file-size]': '1', 'userData[order]': '42' };
    expect(fileUploadedNotice(document, fields)).toEqual({
      noticeType: 'SYS_COMMAND',
      text: 'file-uploaded',
      userData: {
        'file-description': 'my bill',
        order: '42',
        'file-name': 'scan.pdf',
        'file-size': '1234',
        'file-source': 'ucs',
        'file-document-id': '0123456789ABCDEF',
        'file-upload-type': 'file-system',
      },
    });
    expect(fileUploadedNotice(document, {}).userData).not.toHaveProperty('file-description');
  });

  it('name the deleted file, and the upload reply carries the file id', () => {
    expect(fileDeletedNotice('3')).toEqual({ noticeType: 'SYS_COMMAND', text: 'file-deleted', userData: { 'file-id': '3' } });
    expect(fileUploadedResponse({ statusCode: 0, alias: '7', chatEnded: false, messages: [] }, '3')).toEqual({
      statusCode: 0,
      alias: '7',
      chatEnded: false,
      messages: [],
      userData: { 'file-id': '3' },
    });
  });
});

describe('chat-ntf operations', () => {
  it('map both spellings of the limits request, and an operation-less upload (GMSLIB)', () => {
    expect(ntfOperation({ operation: 'fileGetLimits' }, false)).toBe('limits');
    expect(ntfOperation({ operation: 'fileGetsLimits' }, false)).toBe('limits');
    expect(ntfOperation({ operation: 'fileUpload' }, true)).toBe('upload');
    expect(ntfOperation({}, true)).toBe('upload');
    expect(ntfOperation({ operation: 'fileDownload' }, false)).toBe('download');
    expect(ntfOperation({ operation: 'fileDelete' }, false)).toBe('delete');
  });

  it('refuse an unknown or missing operation (400, naming the expected ones)', () => {
    expect(() => ntfOperation({ operation: 'toString' }, false)).toThrow(/^unknown operation "toString"; expected one of fileGetLimits, fileGetsLimits/);
    expect(() => ntfOperation({}, false)).toThrow(GmsApiError);
    expect(() => ntfOperation({}, false)).toThrow(/^operation is required/);
  });

  it('identify the customer by secure key; a userId or chatId sent along must match', async () => {
    const ann: Actor = { sessionId: 'S', userId: 'C', secureKey: 'K' };
    const find = async (key: string) => (key === 'K' ? ann : undefined);
    await expect(secureKeyActor({ secureKey: 'K' }, find)).resolves.toEqual({ ...ann, via: 'FLEX' });
    await expect(secureKeyActor({ secureKey: 'K', userId: 'C', chatId: 'S' }, find)).resolves.toEqual({ ...ann, via: 'FLEX' });
    await expect(secureKeyActor({}, find)).rejects.toMatchObject({ httpStatus: 400, message: 'secureKey is required' });
    for (const fields of [{ secureKey: 'X' }, { secureKey: 'K', userId: 'D' }, { secureKey: 'K', chatId: 'T' }]) {
      await expect(secureKeyActor(fields, find)).rejects.toEqual(expect.objectContaining({ code: 'SESSION_NOT_FOUND' }));
      await expect(secureKeyActor(fields, find)).rejects.toBeInstanceOf(ChatError);
    }
  });
});

describe('download Content-Disposition', () => {
  it('is an attachment with the UTF-8 name in filename* and an ASCII stand-in', () => {
    expect(attachmentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    expect(attachmentDisposition('März 2025 (1).pdf')).toBe(`attachment; filename="M_rz 2025 (1).pdf"; filename*=UTF-8''M%C3%A4rz%202025%20%281%29.pdf`);
  });

  it('cannot be broken out of by quotes, backslashes, line breaks or broken UTF-16', () => {
    const header = attachmentDisposition('a"; filename=evil.html\r\nSet-Cookie: x=1\\\ud800.txt');
    expect(header).toBe(
      `attachment; filename="a_; filename=evil.html__Set-Cookie: x=1__.txt"; filename*=UTF-8''a%22%3B%20filename%3Devil.html%0D%0ASet-Cookie%3A%20x%3D1%5C%EF%BF%BD.txt`,
    );
    expect(header).toMatch(/^[\x20-\x7e]+$/);
  });
});
