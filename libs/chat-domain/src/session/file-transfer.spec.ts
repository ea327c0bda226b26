import type { FileRules } from '../rules';
import type { ChatSession } from './chat-session';
import { agent, errorCode, join, startChat } from '../test/helpers';
import type { KvList, NoticeEvent } from '../types';

const RULES: FileRules = {
  uploadMaxFiles: 3,
  uploadMaxFileSize: 1000,
  uploadMaxTotalSize: 2500,
  uploadFileTypes: ['pdf', 'png'],
  uploadNeedAgent: true,
  downloadAttempts: 2,
};

function chat(files: Partial<FileRules> = {}, withAgent = true) {
  const c = startChat({ rules: { files: { ...RULES, ...files } } });
  const a = withAgent ? join(c.session, agent()) : undefined;
  return { ...c, agent: a };
}

function file(name: string, size: number, extra: KvList = {}): KvList {
  return { 'file-name': name, 'file-size': String(size), 'file-source': 'ucs', 'file-document-id': `DOC-${name}`, ...extra };
}

function upload(session: ChatSession, userId: string, userData: KvList | undefined): NoticeEvent {
  const change = session.notice(userId, { noticeType: 'SYS_COMMAND', text: 'file-uploaded', ...(userData ? { userData } : {}) });
  return change.events[0] as NoticeEvent;
}

function remove(session: ChatSession, userId: string, fileId: string | undefined): NoticeEvent {
  const change = session.notice(userId, {
    noticeType: 'SYS_COMMAND',
    text: 'file-deleted',
    ...(fileId !== undefined ? { userData: { 'file-id': fileId } } : {}),
  });
  return change.events[0] as NoticeEvent;
}

describe('fileLimits', () => {
  it('reports the limits and what is used, every value a string, in the keys GMS clients read', () => {
    const { session } = chat();
    expect(session.fileLimits()).toEqual({
      'upload-max-files': '3',
      'upload-max-file-size': '1000',
      'upload-max-total-size': '2500',
      'upload-file-types': 'pdf:png',
      'upload-need-agent': 'true',
      'download-attempts': '2',
      'delete-file': 'false',
      'used-upload-max-files': '0',
      'used-upload-max-total-size': '0',
      'used-download-attempts': '0',
    });
    for (const value of Object.values(session.fileLimits())) expect(typeof value).toBe('string');
  });

  it('follows what the customer used', () => {
    const { session, customer: c } = chat();
    upload(session, c.userId, file('a.pdf', 100));
    upload(session, c.userId, file('b.png', 250));
    session.download(c.userId, '1');
    expect(session.fileLimits()).toMatchObject({ 'used-upload-max-files': '2', 'used-upload-max-total-size': '350', 'used-download-attempts': '1' });
  });

  it('writes upload-need-agent=false', () => {
    expect(chat({ uploadNeedAgent: false }).session.fileLimits()['upload-need-agent']).toBe('false');
  });
});

describe('checkUpload by a customer', () => {
  it('is disabled when upload-max-files or upload-max-total-size is 0, before any other refusal', () => {
    const noFiles = chat({ uploadMaxFiles: 0 }, false);
    expect(errorCode(() => noFiles.session.checkUpload(noFiles.customer.userId, { name: 'x.exe', size: 99_999 }))).toBe('UPLOADS_DISABLED');
    const noBytes = chat({ uploadMaxTotalSize: 0 }, false);
    expect(errorCode(() => noBytes.session.checkUpload(noBytes.customer.userId, { name: 'a.pdf', size: 1 }))).toBe('UPLOADS_DISABLED');
  });

  it('needs an agent (when configured) before counting or sizing', () => {
    const { session, customer: c } = chat({}, false);
    expect(errorCode(() => session.checkUpload(c.userId, { name: 'x.exe', size: 99_999 }))).toBe('UPLOAD_NEEDS_AGENT');
    const free = chat({ uploadNeedAgent: false }, false);
    expect(errorCode(() => free.session.checkUpload(free.customer.userId, { name: 'a.pdf', size: 10 }))).toBe('NO ERROR');
  });

  it('refuses a file beyond upload-max-files before its size and type', () => {
    const { session, customer: c } = chat();
    for (const name of ['a.pdf', 'b.pdf', 'c.pdf']) upload(session, c.userId, file(name, 10));
    expect(errorCode(() => session.checkUpload(c.userId, { name: 'x.exe', size: 99_999 }))).toBe('UPLOAD_TOO_MANY_FILES');
  });

  it('refuses a single file larger than upload-max-file-size before its type', () => {
    const { session, customer: c } = chat();
    expect(errorCode(() => session.checkUpload(c.userId, { name: 'a.pdf', size: 1000 }))).toBe('NO ERROR');
    expect(errorCode(() => session.checkUpload(c.userId, { name: 'x.exe', size: 1001 }))).toBe('UPLOAD_TOO_LARGE');
  });

  it('refuses a file that would bring the total beyond upload-max-total-size', () => {
    const { session, customer: c } = chat();
    upload(session, c.userId, file('a.pdf', 1000));
    upload(session, c.userId, file('b.pdf', 1000));
    expect(errorCode(() => session.checkUpload(c.userId, { name: 'c.pdf', size: 500 }))).toBe('NO ERROR');
    expect(errorCode(() => session.checkUpload(c.userId, { name: 'c.exe', size: 501 }))).toBe('UPLOAD_TOO_LARGE');
  });

  it.each([
    ['a.pdf', 'NO ERROR'],
    ['SCAN.PDF', 'NO ERROR'],
    ['photo.Png', 'NO ERROR'],
    ['report.pdf.exe', 'UPLOAD_TYPE_NOT_ALLOWED'],
    ['a.exe', 'UPLOAD_TYPE_NOT_ALLOWED'],
    ['README', 'UPLOAD_TYPE_NOT_ALLOWED'],
    ['trailing.', 'UPLOAD_TYPE_NOT_ALLOWED'],
    ['pdf', 'UPLOAD_TYPE_NOT_ALLOWED'],
  ])('file type of %s: %s', (name, expected) => {
    const { session, customer: c } = chat();
    expect(errorCode(() => session.checkUpload(c.userId, { name, size: 10 }))).toBe(expected);
  });

  it('counts nothing', () => {
    const { session, customer: c } = chat();
    session.checkUpload(c.userId, { name: 'a.pdf', size: 10 });
    expect(session.fileLimits()).toMatchObject({ 'used-upload-max-files': '0', 'used-upload-max-total-size': '0' });
  });

  it('agents are not limited', () => {
    const { session, agent: a } = chat({ uploadMaxFiles: 0 });
    if (!a) throw new Error('no agent');
    expect(errorCode(() => session.checkUpload(a.userId, { name: 'setup.exe', size: 10_000_000 }))).toBe('NO ERROR');
  });

  it('a party that left may not check', () => {
    const { session, agent: a } = chat();
    if (!a) throw new Error('no agent');
    session.leave(a.userId, 'KEEP_ALIVE');
    expect(errorCode(() => session.checkUpload(a.userId, { name: 'a.pdf', size: 1 }))).toBe('PARTICIPANT_LEFT');
  });
});

describe('file-uploaded notices', () => {
  it('a customer upload is counted and gets file-id "1", "2", …', () => {
    const { session, customer: c } = chat();
    const first = upload(session, c.userId, file('a.pdf', 100));
    const second = upload(session, c.userId, file('b.png', 200));
    expect(first.userData).toEqual({ ...file('a.pdf', 100), 'file-id': '1' });
    expect(second.userData?.['file-id']).toBe('2');
    expect(session.fileLimits()).toMatchObject({ 'used-upload-max-files': '2', 'used-upload-max-total-size': '300' });
  });

  it('a file-id the sender supplies is replaced by the server one', () => {
    const { session, customer: c } = chat();
    expect(upload(session, c.userId, file('a.pdf', 1, { 'file-id': '42' })).userData?.['file-id']).toBe('1');
  });

  it('is checked against the limits like checkUpload', () => {
    const noAgent = chat({}, false);
    expect(errorCode(() => upload(noAgent.session, noAgent.customer.userId, file('a.pdf', 1)))).toBe('UPLOAD_NEEDS_AGENT');
    const disabled = chat({ uploadMaxFiles: 0 });
    expect(errorCode(() => upload(disabled.session, disabled.customer.userId, file('a.pdf', 1)))).toBe('UPLOADS_DISABLED');
    const { session, customer: c } = chat();
    expect(errorCode(() => upload(session, c.userId, file('a.exe', 1)))).toBe('UPLOAD_TYPE_NOT_ALLOWED');
    expect(errorCode(() => upload(session, c.userId, file('big.pdf', 1001)))).toBe('UPLOAD_TOO_LARGE');
    for (const name of ['a.pdf', 'b.pdf', 'c.pdf']) upload(session, c.userId, file(name, 10));
    expect(errorCode(() => upload(session, c.userId, file('d.pdf', 10)))).toBe('UPLOAD_TOO_MANY_FILES');
  });

  it('a refused upload changes nothing: no event, counters and file ids unchanged', () => {
    const { session, customer: c } = chat();
    upload(session, c.userId, file('a.pdf', 100));
    const transcript = session.state.transcript.length;
    const nextEventId = session.state.nextEventId;
    const limits = session.fileLimits();
    expect(errorCode(() => upload(session, c.userId, file('a.exe', 100)))).toBe('UPLOAD_TYPE_NOT_ALLOWED');
    expect(errorCode(() => upload(session, c.userId, file('big.pdf', 5000)))).toBe('UPLOAD_TOO_LARGE');
    expect(errorCode(() => upload(session, c.userId, { 'file-name': 'a.pdf' }))).toBe('INVALID_ARGUMENT');
    expect(session.state.transcript).toHaveLength(transcript);
    expect(session.state.nextEventId).toBe(nextEventId);
    expect(session.fileLimits()).toEqual(limits);
    const next = session.notice(c.userId, { noticeType: 'SYS_COMMAND', text: 'file-uploaded', userData: file('b.pdf', 100) });
    expect(next.events).toHaveLength(1);
    expect(next.events[0].userData?.['file-id']).toBe('2');
  });

  it.each([
    ['no user data', undefined],
    ['no file-name', { 'file-size': '1', 'file-source': 'ucs', 'file-document-id': 'D' }],
    ['no file-size', { 'file-name': 'a.pdf', 'file-source': 'ucs', 'file-document-id': 'D' }],
    ['no file-source', { 'file-name': 'a.pdf', 'file-size': '1', 'file-document-id': 'D' }],
    ['ucs without file-document-id', { 'file-name': 'a.pdf', 'file-size': '1', 'file-source': 'ucs' }],
    ['a file-size that is not a number', { 'file-name': 'a.pdf', 'file-size': '1kB', 'file-source': 'ucs', 'file-document-id': 'D' }],
    ['a nested file-name', { 'file-name': { x: 'a.pdf' }, 'file-size': '1', 'file-source': 'ucs', 'file-document-id': 'D' }],
  ])('%s: INVALID_ARGUMENT, from customers and agents', (_, userData) => {
    const { session, customer: c, agent: a } = chat();
    if (!a) throw new Error('no agent');
    expect(errorCode(() => upload(session, c.userId, userData))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => upload(session, a.userId, userData))).toBe('INVALID_ARGUMENT');
  });

  it('a source other than ucs needs no document id', () => {
    const { session, customer: c } = chat();
    const event = upload(session, c.userId, { 'file-name': 'a.pdf', 'file-size': '1', 'file-source': 'external' });
    expect(event.userData?.['file-id']).toBe('1');
  });

  it('agents are neither limited nor counted, but get file ids from the same sequence', () => {
    const { session, customer: c, agent: a } = chat({ uploadMaxFiles: 1, uploadMaxFileSize: 10 });
    if (!a) throw new Error('no agent');
    expect(upload(session, c.userId, file('a.pdf', 5)).userData?.['file-id']).toBe('1');
    expect(upload(session, a.userId, file('setup.exe', 1_000_000)).userData?.['file-id']).toBe('2');
    expect(upload(session, a.userId, file('more.zip', 1_000_000)).userData?.['file-id']).toBe('3');
    expect(session.fileLimits()).toMatchObject({ 'used-upload-max-files': '1', 'used-upload-max-total-size': '5' });
  });
});

describe('download', () => {
  it('answers the document id and name, and counts customer downloads up to download-attempts', () => {
    const { session, customer: c } = chat();
    upload(session, c.userId, file('a.pdf', 10));
    expect(session.download(c.userId, '1')).toEqual({ documentId: 'DOC-a.pdf', name: 'a.pdf' });
    expect(session.download(c.userId, '1')).toEqual({ documentId: 'DOC-a.pdf', name: 'a.pdf' });
    expect(session.fileLimits()['used-download-attempts']).toBe('2');
    expect(errorCode(() => session.download(c.userId, '1'))).toBe('DOWNLOAD_LIMIT');
    expect(session.fileLimits()['used-download-attempts']).toBe('2');
  });

  it('an unknown file id is FILE_NOT_FOUND and not counted', () => {
    const { session, customer: c } = chat();
    upload(session, c.userId, file('a.pdf', 10));
    expect(errorCode(() => session.download(c.userId, '2'))).toBe('FILE_NOT_FOUND');
    expect(errorCode(() => session.download(c.userId, ''))).toBe('FILE_NOT_FOUND');
    expect(session.fileLimits()['used-download-attempts']).toBe('0');
  });

  it('an agent may download files of both sides, uncounted and unlimited', () => {
    const { session, customer: c, agent: a } = chat({ downloadAttempts: 1 });
    if (!a) throw new Error('no agent');
    upload(session, c.userId, file('a.pdf', 10));
    upload(session, a.userId, file('manual.pdf', 10));
    for (let i = 0; i < 3; i++) expect(session.download(a.userId, '1').documentId).toBe('DOC-a.pdf');
    expect(session.fileLimits()['used-download-attempts']).toBe('0');
    expect(session.download(c.userId, '2')).toEqual({ documentId: 'DOC-manual.pdf', name: 'manual.pdf' });
    expect(errorCode(() => session.download(c.userId, '1'))).toBe('DOWNLOAD_LIMIT');
  });
});

describe('file-deleted notices', () => {
  it('needs the file-id of a live file of this chat', () => {
    const { session, customer: c } = chat();
    upload(session, c.userId, file('a.pdf', 10));
    const transcript = session.state.transcript.length;
    expect(errorCode(() => remove(session, c.userId, undefined))).toBe('FILE_NOT_FOUND');
    expect(errorCode(() => remove(session, c.userId, '7'))).toBe('FILE_NOT_FOUND');
    expect(session.state.transcript).toHaveLength(transcript);
  });

  it('a customer may delete its own file; afterwards download and a second delete say FILE_NOT_FOUND', () => {
    const { session, customer: c } = chat();
    upload(session, c.userId, file('a.pdf', 10));
    const deleted = remove(session, c.userId, '1');
    expect(deleted).toMatchObject({ kind: 'notice', noticeType: 'SYS_COMMAND', text: 'file-deleted', userData: { 'file-id': '1' } });
    expect(errorCode(() => session.download(c.userId, '1'))).toBe('FILE_NOT_FOUND');
    expect(errorCode(() => remove(session, c.userId, '1'))).toBe('FILE_NOT_FOUND');
  });

  it("a customer may not delete the agent's file; an agent may delete the customer's", () => {
    const { session, customer: c, agent: a } = chat();
    if (!a) throw new Error('no agent');
    upload(session, c.userId, file('a.pdf', 10));
    upload(session, a.userId, file('manual.pdf', 10));
    const transcript = session.state.transcript.length;
    expect(errorCode(() => remove(session, c.userId, '2'))).toBe('FORBIDDEN');
    expect(session.state.transcript).toHaveLength(transcript);
    expect(session.download(c.userId, '2').name).toBe('manual.pdf');
    remove(session, a.userId, '1');
    expect(errorCode(() => session.download(a.userId, '1'))).toBe('FILE_NOT_FOUND');
  });

  it('other files stay available after one is deleted', () => {
    const { session, customer: c } = chat();
    upload(session, c.userId, file('a.pdf', 10));
    upload(session, c.userId, file('b.pdf', 10));
    remove(session, c.userId, '1');
    expect(session.download(c.userId, '2').name).toBe('b.pdf');
  });
});

describe('files the party cannot see', () => {
  it('a customer cannot download or delete an agents-only (INT) file, nor a direct file between agents', () => {
    const { session, customer: c, agent: a } = chat();
    if (!a) throw new Error('no agent');
    const b = join(session, agent('B'));
    session.notice(a.userId, { noticeType: 'SYS_COMMAND', text: 'file-uploaded', visibility: 'INT', userData: file('internal.pdf', 10) });
    session.notice(a.userId, { noticeType: 'SYS_COMMAND', text: 'file-uploaded', receiverId: b.userId, userData: file('private.pdf', 10) });
    expect(session.eventsFor(c.userId).some((e) => e.userData?.['file-id'] !== undefined)).toBe(false);
    expect(errorCode(() => session.download(c.userId, '1'))).toBe('FILE_NOT_FOUND');
    expect(errorCode(() => session.download(c.userId, '2'))).toBe('FILE_NOT_FOUND');
    expect(errorCode(() => remove(session, c.userId, '1'))).toBe('FILE_NOT_FOUND');
    expect(session.fileLimits()['used-download-attempts']).toBe('0');
    // the agents it was meant for can
    expect(session.download(b.userId, '1').name).toBe('internal.pdf');
    expect(session.download(b.userId, '2').name).toBe('private.pdf');
  });
});
