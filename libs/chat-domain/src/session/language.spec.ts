import type { LanguageRule, SessionRules } from '../rules';
import { T0, agent, errorCode, join, startChat } from '../test/helpers';
import type { KvList, NoticeEvent } from '../types';
import { languageByCode, parseLanguageCode } from './language';

const lang = (name: string, language?: string, country?: string, more: Partial<LanguageRule> = {}): LanguageRule => ({
  name,
  ...(language ? { language } : {}),
  ...(country ? { country } : {}),
  useAsDefault: false,
  messages: {},
  ...more,
});

const LANGUAGES: LanguageRule[] = [
  lang('Spanish-Mexico', 'es', 'MX'),
  lang('Spanish', 'es', 'ES', { useAsDefault: true, messages: { alert: '¿Sigue ahí?', close: 'Sesión cerrada por inactividad.' } }),
  lang('French', 'fr'),
  lang('Portuguese-Brazil', 'pt', 'BR'),
  lang('Portuguese', 'pt', 'PT', { useAsDefault: true }),
  lang('German-Austria', 'de', 'AT'),
];

const RULES: Partial<SessionRules> = {
  languages: LANGUAGES,
  flexDisconnectTimeoutMs: 3_600_000,
  inactivity: {
    enabled: true,
    alertMs: 10_000,
    alert2Ms: 0,
    closeMs: 5000,
    messages: { alert: 'Anyone there?', alert2: 'Still there?', close: 'Closed.' },
    includeNotices: 'major',
  },
};

const chatWith = (userData: KvList) => startChat({ rules: RULES, userData });

describe('languages', () => {
  describe('language codes', () => {
    it.each([
      ['es-ES', { language: 'es', country: 'ES' }],
      ['es_es', { language: 'es', country: 'ES' }],
      ['ES-mx', { language: 'es', country: 'MX' }],
      ['fr', { language: 'fr' }],
      ['es-419', { language: 'es', country: '419' }],
    ])('%s is read as %j (language lower-cased, country upper-cased)', (code, parsed) => {
      expect(parseLanguageCode(code)).toEqual(parsed);
    });

    it.each(['', 'e', 'spanish', 'es-', 'es-ESP', 'es ES', '12-ES'])('"%s" is not a code', (code) => {
      expect(parseLanguageCode(code)).toBeUndefined();
    });
  });

  describe('the three steps of finding a language by code', () => {
    it('1. the same language and country', () => {
      expect(languageByCode(LANGUAGES, { language: 'es', country: 'MX' })?.name).toBe('Spanish-Mexico');
      expect(languageByCode(LANGUAGES, { language: 'pt', country: 'BR' })?.name).toBe('Portuguese-Brazil');
    });

    it('2. else the same language without a country', () => {
      expect(languageByCode(LANGUAGES, { language: 'fr', country: 'CA' })?.name).toBe('French');
    });

    it('3. else the same language with any country, among use-language-as-default ones only', () => {
      expect(languageByCode(LANGUAGES, { language: 'es', country: 'AR' })?.name).toBe('Spanish');
      expect(languageByCode(LANGUAGES, { language: 'pt' })?.name).toBe('Portuguese');
      expect(languageByCode(LANGUAGES, { language: 'de', country: 'DE' })).toBeUndefined();
    });
  });

  describe('a new session’s language, from its user data', () => {
    it('GCTI_LanguageName names it', () => {
      expect(chatWith({ GCTI_LanguageName: 'French' }).session.state.language).toBe('French');
    });

    it('GCTI_LanguageName alone is used when present: an unknown name leaves the [inactivity-control] texts, the code is not looked at', () => {
      expect(chatWith({ GCTI_LanguageName: 'Klingon', GCTI_LanguageCode: 'fr-FR' }).session.state.language).toBeUndefined();
    });

    it('else GCTI_LanguageCode, in either form and case', () => {
      expect(chatWith({ GCTI_LanguageCode: 'es_mx' }).session.state.language).toBe('Spanish-Mexico');
      expect(chatWith({ GCTI_LanguageCode: 'ES-ar' }).session.state.language).toBe('Spanish');
    });

    it('a code nothing matches, or a malformed one, leaves the session without a language (it is created all the same)', () => {
      expect(chatWith({ GCTI_LanguageCode: 'ja-JP' }).session.state.language).toBeUndefined();
      expect(chatWith({ GCTI_LanguageCode: 'not a code' }).session.state.language).toBeUndefined();
    });
  });

  describe('the language chooses the inactivity texts', () => {
    it('its own texts where it has them, [inactivity-control]’s elsewhere; the workflow’s own text wins over both', () => {
      const { ctx, session } = chatWith({ GCTI_LanguageCode: 'es-ES' });
      join(session, agent());
      ctx.clock.set(T0 + 10_000);
      expect((session.expire().events[0] as NoticeEvent).text).toBe('¿Sigue ahí?');
      session.configureIdleControl({ 'message-alert': 'Workflow text' });
      ctx.clock.advance(10_000);
      expect((session.expire().events[0] as NoticeEvent).text).toBe('Workflow text');
      ctx.clock.advance(5000);
      expect((session.expire().events[0] as NoticeEvent).text).toBe('Sesión cerrada por inactividad.');
    });

    it('a language without texts speaks [inactivity-control]’s', () => {
      const { ctx, session } = chatWith({ GCTI_LanguageName: 'French' });
      join(session, agent());
      ctx.clock.set(T0 + 10_000);
      expect((session.expire().events[0] as NoticeEvent).text).toBe('Anyone there?');
    });
  });

  describe('changed by the workflow (ESP ConfigureSession)', () => {
    it('by GCTI_LanguageCode (which makes the other parameters ignored) or by GCTI_LanguageName; saved, no event', () => {
      const { session } = chatWith({});
      expect(session.configureSession({ languageCode: 'fr-BE', languageName: 'Spanish' })).toEqual({ events: [], closed: false, configured: true });
      expect(session.state.language).toBe('French');
      session.configureSession({ languageName: 'Spanish' });
      expect(session.state.language).toBe('Spanish');
    });

    it.each([
      [{ languageName: 'Klingon' }, 'GCTI_LanguageName'],
      [{ languageCode: 'xx!' }, 'GCTI_LanguageCode'],
      [{ languageCode: 'ja-JP' }, 'GCTI_LanguageCode'],
    ])('refuses %j naming %s; the language stays', (options, field) => {
      const { session } = chatWith({ GCTI_LanguageName: 'French' });
      expect(() => session.configureSession(options)).toThrow(field);
      expect(errorCode(() => session.configureSession(options))).toBe('INVALID_ARGUMENT');
      expect(session.state.language).toBe('French');
    });
  });

  describe('changed by a configure-session system notice from the customer or an agent', () => {
    it('the customer’s, with GCTI_LanguageName; the notice is in the transcript', () => {
      const { session, customer: c } = chatWith({});
      const change = session.notice(c.userId, { noticeType: 'SYS_COMMAND', text: 'configure-session', userData: { GCTI_LanguageName: 'Spanish' } });
      expect(change.events[0]).toMatchObject({ kind: 'notice', noticeType: 'SYS_COMMAND', text: 'configure-session' });
      expect(change.configured).toBe(true);
      expect(session.state.language).toBe('Spanish');
    });

    it('an agent’s, with GCTI_LanguageCode (GCTI_LanguageName first when both are there)', () => {
      const { session } = chatWith({});
      const a = join(session, agent());
      session.notice(a.userId, { noticeType: 'SYS_COMMAND', text: 'configure-session', userData: { GCTI_LanguageCode: 'pt_br' } });
      expect(session.state.language).toBe('Portuguese-Brazil');
      session.notice(a.userId, { noticeType: 'SYS_COMMAND', text: 'configure-session', userData: { GCTI_LanguageCode: 'pt_br', GCTI_LanguageName: 'French' } });
      expect(session.state.language).toBe('French');
    });

    it.each([
      [{}, 'GCTI_LanguageName or GCTI_LanguageCode'],
      [{ GCTI_LanguageName: 'Klingon' }, 'GCTI_LanguageName'],
      [{ GCTI_LanguageCode: 'es-' }, 'GCTI_LanguageCode'],
      [{ GCTI_LanguageName: { nested: 'x' } }, 'GCTI_LanguageName'],
    ])('with %j is refused naming %s; nothing is appended, the language stays', (userData, field) => {
      const { session, customer: c } = chatWith({ GCTI_LanguageName: 'French' });
      const before = session.state.transcript.length;
      expect(() => session.notice(c.userId, { noticeType: 'SYS_COMMAND', text: 'configure-session', userData })).toThrow(field);
      expect(session.state.transcript).toHaveLength(before);
      expect(session.state.language).toBe('French');
    });
  });
});
