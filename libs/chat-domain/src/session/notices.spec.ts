import { agent, customer, errorCode, ids, join, startChat, supervisor } from '../test/helpers';
import type { NoticeEvent } from '../types';

const asNotice = (e: unknown) => e as NoticeEvent;

describe('notices', () => {
  it('typing started carries the optional preview text; typing stopped without text has an empty text', () => {
    const { session, customer: c } = startChat();
    join(session, agent());
    const started = asNotice(session.notice(c.userId, { noticeType: 'TYPING_STARTED', text: 'I would li' }).events[0]);
    expect(started).toMatchObject({
      kind: 'notice',
      noticeType: 'TYPING_STARTED',
      text: 'I would li',
      userId: c.userId,
      visibility: 'ALL',
      nickname: 'Customer',
    });
    const bare = asNotice(session.notice(c.userId, { noticeType: 'TYPING_STARTED' }).events[0]);
    expect(bare.text).toBe('');
    const stopped = asNotice(session.notice(c.userId, { noticeType: 'TYPING_STOPPED' }).events[0]);
    expect(stopped).toMatchObject({ noticeType: 'TYPING_STOPPED', text: '' });
  });

  it('PUSH_URL needs a non-blank text', () => {
    const { session } = startChat();
    const a = join(session, agent());
    expect(errorCode(() => session.notice(a.userId, { noticeType: 'PUSH_URL' }))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => session.notice(a.userId, { noticeType: 'PUSH_URL', text: '  ' }))).toBe('INVALID_ARGUMENT');
    expect(session.state.transcript).toHaveLength(2);
    const [pushed] = session.notice(a.userId, { noticeType: 'PUSH_URL', text: 'https://example.com/faq' }).events;
    expect(asNotice(pushed)).toMatchObject({ noticeType: 'PUSH_URL', text: 'https://example.com/faq' });
  });

  it('USER_CUSTOM keeps its text, user data and event attributes (copied, not shared)', () => {
    const { session, customer: c } = startChat();
    const userData = { 'file-name': 'a.txt', meta: { size: '3' } };
    const [custom] = session.notice(c.userId, { noticeType: 'USER_CUSTOM', text: '{"x":1}', userData, eventAttributes: { k: 'v' } }).events;
    expect(asNotice(custom)).toMatchObject({
      noticeType: 'USER_CUSTOM',
      text: '{"x":1}',
      userData: { 'file-name': 'a.txt', meta: { size: '3' } },
      eventAttributes: { k: 'v' },
    });
    userData.meta.size = '999';
    expect(custom.userData).toEqual({ 'file-name': 'a.txt', meta: { size: '3' } });
  });

  it.each(['TYPING', 'typing_started', '', 'JOIN_INVITE', 'toString'])('unknown notice type %j is rejected with INVALID_NOTICE_TYPE', (noticeType) => {
    const { session, customer: c } = startChat();
    expect(errorCode(() => session.notice(c.userId, { noticeType }))).toBe('INVALID_NOTICE_TYPE');
    expect(session.state.transcript).toHaveLength(1);
  });

  it.each(['IDLE_CONTROL_ALERT', 'IDLE_CONTROL_CLOSE', 'IDLE_CONTROL_SET'])('%s cannot be sent by a party, not even a supervisor', (noticeType) => {
    const { session, customer: c } = startChat();
    const s = join(session, supervisor('Sup', 'ALL'));
    const sys = join(session, { userType: 'SYSTEM', protocol: 'NONE', nickname: 'system', clientVersion: 106 });
    expect(errorCode(() => session.notice(c.userId, { noticeType, text: '30' }))).toBe('INVALID_NOTICE_TYPE');
    expect(errorCode(() => session.notice(s.userId, { noticeType, text: '30' }))).toBe('INVALID_NOTICE_TYPE');
    expect(errorCode(() => session.notice(sys.userId, { noticeType, text: '30' }))).toBe('INVALID_NOTICE_TYPE');
    expect(session.state.transcript).toHaveLength(3);
  });

  it('notice text is limited by message-max-size', () => {
    const { session, customer: c } = startChat({ rules: { messageMaxSize: 5 } });
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'TYPING_STARTED', text: 'abcdef' }))).toBe('TEXT_TOO_LONG');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'TYPING_STARTED', text: 'abcde' }))).toBe('NO ERROR');
  });
});

describe('nickname change (USER_UPDATE_NICK)', () => {
  it('changes the nickname and records the original in GCTI_Original_Nickname of the newParty userData', () => {
    const { session, customer: c } = startChat({ creator: customer({ nickname: 'John', userData: { FirstName: 'John' } }) });
    const a = join(session, agent());
    const [before] = session.message(c.userId, { text: 'old name' }).events;
    const [notice] = session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: 'Johnny' }).events;

    expect(asNotice(notice)).toMatchObject({ kind: 'notice', noticeType: 'USER_UPDATE_NICK', text: 'Johnny', userId: c.userId });
    expect(session.participant(c.userId)?.nickname).toBe('Johnny');
    expect(session.state.transcript[c.joinPosition].userData).toEqual({ FirstName: 'John', GCTI_Original_Nickname: 'John' });
    // the agent's newParty is untouched
    expect(session.state.transcript[a.joinPosition].userData).toBeUndefined();
    // events keep the nickname the party had when they happened
    expect(before.nickname).toBe('John');
    expect(session.state.transcript[c.joinPosition].nickname).toBe('John');
    expect(session.message(c.userId, { text: 'new name' }).events[0].nickname).toBe('Johnny');
    expect(session.leave(c.userId, 'KEEP_ALIVE').events[0].nickname).toBe('Johnny');
  });

  it('records the original without user data to start from', () => {
    const { session, customer: c } = startChat({ creator: customer({ nickname: 'Ann' }) });
    session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: 'Annie' });
    expect(session.state.transcript[0].userData).toEqual({ GCTI_Original_Nickname: 'Ann' });
  });

  it('a second change does not overwrite the original', () => {
    const { session, customer: c } = startChat({ creator: customer({ nickname: 'John' }) });
    session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: 'Johnny' });
    session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: 'J.' });
    expect(session.participant(c.userId)?.nickname).toBe('J.');
    expect(session.state.transcript[0].userData).toEqual({ GCTI_Original_Nickname: 'John' });
    expect(session.message(c.userId, { text: 'x' }).events[0].nickname).toBe('J.');
  });

  it('an agent may change its nickname too', () => {
    const { session } = startChat();
    const a = join(session, agent('Agent 007'));
    session.notice(a.userId, { noticeType: 'USER_UPDATE_NICK', text: 'Bond' });
    expect(session.state.transcript[a.joinPosition].userData).toEqual({ GCTI_Original_Nickname: 'Agent 007' });
  });

  it.each([
    ['empty', '', 'INVALID_ARGUMENT'],
    ['blank', '   ', 'INVALID_ARGUMENT'],
    ['one over the limit', 'abcdef', 'TEXT_TOO_LONG'],
  ])('a %s nickname is rejected and nothing changes', (_what, nickname, code) => {
    const { session, customer: c } = startChat({ rules: { nicknameMaxLength: 5 }, creator: customer({ nickname: 'John' }) });
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: nickname }))).toBe(code);
    expect(session.participant(c.userId)?.nickname).toBe('John');
    expect(session.state.transcript).toHaveLength(1);
    expect(session.state.transcript[0].userData).toBeUndefined();
  });

  it('the nickname limit counts characters, not UTF-8 bytes', () => {
    const { session, customer: c } = startChat({ rules: { nicknameMaxLength: 5 }, creator: customer({ nickname: 'Cu' }) });
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: 'Ñandú' }))).toBe('NO ERROR');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: '😀😀😀😀😀' }))).toBe('NO ERROR');
    expect(session.participant(c.userId)?.nickname).toBe('😀😀😀😀😀');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: '😀😀😀😀😀😀' }))).toBe('TEXT_TOO_LONG');
  });

  it('the join nickname is limited the same way', () => {
    const { session } = startChat({ rules: { nicknameMaxLength: 5 }, creator: customer({ nickname: 'Cu' }) });
    expect(errorCode(() => session.join(agent('abcdef')))).toBe('TEXT_TOO_LONG');
    expect(errorCode(() => session.join(agent('abcde')))).toBe('NO ERROR');
  });

  // A refused nickname change must not change anything (found bug: the rename happened before the
  // visibility and receiver were checked, so a refused notice still renamed the party).
  it('a nickname change refused for its delivery (visibility, receiver) leaves the nickname alone', () => {
    const { session, customer: c } = startChat({ creator: customer({ nickname: 'John' }) });
    const a = join(session, agent('Bob'));
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: 'Johnny', visibility: 'INT' }))).toBe('INVALID_VISIBILITY');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: 'Johnny', receiverId: a.userId }))).toBe('FORBIDDEN');
    expect(errorCode(() => session.notice(a.userId, { noticeType: 'USER_UPDATE_NICK', text: 'Robert', receiverId: 'FFFFFFFFFFFFFFFF' }))).toBe(
      'NOT_A_PARTICIPANT',
    );
    expect(session.participant(c.userId)?.nickname).toBe('John');
    expect(session.participant(a.userId)?.nickname).toBe('Bob');
    expect(session.state.transcript[c.joinPosition].userData).toBeUndefined();
    expect(session.state.transcript[a.joinPosition].userData).toBeUndefined();
    expect(session.state.transcript).toHaveLength(2);
  });
});

describe('read confirmations (SYS_COMMAND read-confirm)', () => {
  const confirm = (lastEventId: string) => ({ noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: { 'last-event-id': lastEventId } });

  it('needs a numeric last-event-id in its user data', () => {
    const { session, customer: c } = startChat();
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'SYS_COMMAND', text: 'read-confirm' }))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: {} }))).toBe('INVALID_ARGUMENT');
    for (const bad of ['', 'abc', '12a', '-1', '1.5', ' 3']) expect(errorCode(() => session.notice(c.userId, confirm(bad)))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: { 'last-event-id': { nested: '1' } } }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(session.state.transcript).toHaveLength(1);
    expect(errorCode(() => session.notice(c.userId, confirm('1')))).toBe('NO ERROR');
  });

  it('is delivered to the others with its last-event-id', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    const [n] = session.notice(c.userId, confirm('2')).events;
    const seen = session.eventsFor(a.userId).find((e) => e.eventId === n.eventId);
    expect(seen && asNotice(seen)).toMatchObject({ noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: { 'last-event-id': '2' } });
  });

  it('a newer confirmation of the same party annihilates the earlier one; positions stay stable', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    session.message(a.userId, { text: 'hello' });
    const [first] = session.notice(c.userId, confirm('3')).events;
    const [agentConfirm] = session.notice(a.userId, confirm('3')).events;
    session.message(a.userId, { text: 'anything else?' });
    const [second] = session.notice(c.userId, confirm('6')).events;

    expect(first.annihilated).toBe(true);
    expect(second.annihilated).toBeUndefined();
    expect(agentConfirm.annihilated).toBeUndefined();
    // the annihilated event keeps its position: the transcript does not shift
    expect(session.state.transcript[first.position]).toBe(first);
    expect(session.state.transcript.map((e) => e.position)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(session.nextPosition).toBe(7);
    for (const viewer of [c, a]) {
      const seen = ids(session.eventsFor(viewer.userId));
      expect(seen).not.toContain(first.eventId);
      expect(seen).toContain(second.eventId);
      expect(seen).toContain(agentConfirm.eventId);
    }
    expect(session.eventsFor(a.userId).map((e) => e.position)).toEqual([0, 1, 2, 4, 5, 6]);
  });

  it('other system commands do not annihilate a confirmation', () => {
    const { session, customer: c } = startChat();
    const [conf] = session.notice(c.userId, confirm('1')).events;
    session.notice(c.userId, { noticeType: 'SYS_COMMAND', text: 'custom-command', userData: { 'file-name': 'a.txt' } });
    session.notice(c.userId, { noticeType: 'USER_CUSTOM', text: 'read-confirm' });
    expect(conf.annihilated).toBeUndefined();
  });

  it('the confirmations of a party are annihilated when it leaves; the others stay', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    const [customerConf] = session.notice(c.userId, confirm('2')).events;
    const [agentConf] = session.notice(a.userId, confirm('3')).events;
    session.leave(c.userId, 'KEEP_ALIVE');
    expect(customerConf.annihilated).toBe(true);
    expect(agentConf.annihilated).toBeUndefined();
    expect(ids(session.eventsFor(a.userId))).not.toContain(customerConf.eventId);
    expect(ids(session.eventsFor(a.userId))).toContain(agentConf.eventId);
  });

  it('are annihilated when the party is removed by the system or by the closing of the session', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    const [customerConf] = session.notice(c.userId, confirm('2')).events;
    const [agentConf] = session.notice(a.userId, confirm('3')).events;
    session.removeBySystem(c.userId, '3');
    expect(customerConf.annihilated).toBe(true);
    session.closeBySystem('5');
    expect(agentConf.annihilated).toBe(true);
  });

  // Found bug: the earlier confirmation was annihilated before the notice's delivery was checked, so a
  // refused confirmation still removed the previous one.
  it('a refused confirmation does not annihilate the earlier one', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    const [customerConf] = session.notice(c.userId, confirm('2')).events;
    const [agentConf] = session.notice(a.userId, confirm('3')).events;
    expect(errorCode(() => session.notice(c.userId, { ...confirm('4'), visibility: 'INT' }))).toBe('INVALID_VISIBILITY');
    expect(errorCode(() => session.notice(c.userId, { ...confirm('4'), receiverId: a.userId }))).toBe('FORBIDDEN');
    expect(errorCode(() => session.notice(a.userId, { ...confirm('4'), receiverId: 'FFFFFFFFFFFFFFFF' }))).toBe('NOT_A_PARTICIPANT');
    expect(errorCode(() => session.notice(a.userId, { ...confirm('4'), visibility: 'VIP' }))).toBe('INVALID_VISIBILITY');
    expect(customerConf.annihilated).toBeUndefined();
    expect(agentConf.annihilated).toBeUndefined();
    expect(session.state.transcript).toHaveLength(4);
  });
});
