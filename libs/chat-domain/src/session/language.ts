import { ChatError } from '../errors';
import type { LanguageRule, SessionRules } from '../rules';
import type { KvList } from '../types';
import type { Command } from './command';
import type { SessionState } from './state';

/**
 * The language of a session (the guide's "Localization of System Inactivity Messages"): one of the configured
 * languages, found by name (`GCTI_LanguageName`) or else by code (`GCTI_LanguageCode`), kept in the session state by
 * name. It chooses the texts of the inactivity notices.
 */
export const LANGUAGE_NAME_KEY = 'GCTI_LanguageName';
export const LANGUAGE_CODE_KEY = 'GCTI_LanguageCode';
/** The system notice (`SYS_COMMAND`) by which a customer or an agent changes the session's language. */
export const CONFIGURE_SESSION = 'configure-session';

/** `language-country` or `language_country` (the country optional): ISO 639 letters, ISO 3166 letters or digits. */
const LANGUAGE_CODE = /^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|\d{3}))?$/;

/** The ISO language (lower case) and country (upper case) of a code, or undefined when it is not one. */
export function parseLanguageCode(code: string): { language: string; country?: string } | undefined {
  const match = LANGUAGE_CODE.exec(code.trim());
  if (!match) return undefined;
  const [, language, country] = match;
  return { language: language.toLowerCase(), ...(country ? { country: country.toUpperCase() } : {}) };
}

/**
 * The language a code stands for, in the guide's three steps: the same language and country; else the same language
 * without a country; else the same language with any country, among languages marked `use-language-as-default`.
 */
export function languageByCode(languages: readonly LanguageRule[], code: { language: string; country?: string }): LanguageRule | undefined {
  const same = languages.filter((l) => l.language === code.language);
  return (
    same.find((l) => code.country !== undefined && l.country === code.country) ?? same.find((l) => l.country === undefined) ?? same.find((l) => l.useAsDefault)
  );
}

export function languageByName(languages: readonly LanguageRule[], name: string): LanguageRule | undefined {
  return languages.find((l) => l.name === name);
}

/** The session's language, if it has one that is (still) configured. */
export function sessionLanguage(state: SessionState, rules: SessionRules): LanguageRule | undefined {
  return state.language === undefined ? undefined : languageByName(rules.languages, state.language);
}

/**
 * The language of a new session from its user data: by name when `GCTI_LanguageName` is there (and only by it), else
 * by `GCTI_LanguageCode`. None found: the session speaks the `[inactivity-control]` texts.
 */
export function initialLanguage(rules: SessionRules, userData: KvList): string | undefined {
  if (rules.languages.length === 0) return undefined;
  const name = userData[LANGUAGE_NAME_KEY];
  if (name !== undefined) return typeof name === 'string' ? languageByName(rules.languages, name)?.name : undefined;
  const code = userData[LANGUAGE_CODE_KEY];
  const parsed = typeof code === 'string' ? parseLanguageCode(code) : undefined;
  return parsed && languageByCode(rules.languages, parsed)?.name;
}

/** The language a change during the session asks for; a name or code that matches none is refused, naming its field. */
export function requestedLanguage(rules: SessionRules, request: { name?: string; code?: string }, nameFirst: boolean): string {
  const byName = () => {
    const found = languageByName(rules.languages, request.name ?? '');
    if (!found) throw new ChatError('INVALID_ARGUMENT', `${LANGUAGE_NAME_KEY}: no language named "${clip(request.name)}" is configured`);
    return found.name;
  };
  const byCode = () => {
    const parsed = parseLanguageCode(request.code ?? '');
    if (!parsed) {
      throw new ChatError('INVALID_ARGUMENT', `${LANGUAGE_CODE_KEY}: "${clip(request.code)}" is not a language code like es-ES, es_ES or es`);
    }
    const found = languageByCode(rules.languages, parsed);
    if (!found) throw new ChatError('INVALID_ARGUMENT', `${LANGUAGE_CODE_KEY}: no configured language matches "${clip(request.code)}"`);
    return found.name;
  };
  if (request.name !== undefined && (nameFirst || request.code === undefined)) return byName();
  if (request.code !== undefined) return byCode();
  throw new ChatError('INVALID_ARGUMENT', `give ${LANGUAGE_NAME_KEY} or ${LANGUAGE_CODE_KEY}`);
}

/** The session now speaks `name`; saved though no event says so. */
export function setLanguage(command: Command, name: string): void {
  command.state.language = name;
  command.configured = true;
}

/**
 * A `configure-session` system notice (`SYS_COMMAND`) from a customer or an agent: its user data names the language
 * (`GCTI_LanguageName`, else `GCTI_LanguageCode`). Answers the language, checked, for `setLanguage` once the notice is in.
 */
export function noticeLanguage(rules: SessionRules, userData: KvList | undefined): string {
  const name = userData?.[LANGUAGE_NAME_KEY];
  const code = userData?.[LANGUAGE_CODE_KEY];
  if (name !== undefined && typeof name !== 'string') throw new ChatError('INVALID_ARGUMENT', `${LANGUAGE_NAME_KEY} must be a text`);
  if (code !== undefined && typeof code !== 'string') throw new ChatError('INVALID_ARGUMENT', `${LANGUAGE_CODE_KEY} must be a text`);
  return requestedLanguage(rules, { ...(name !== undefined ? { name } : {}), ...(code !== undefined ? { code } : {}) }, true);
}

function clip(value: string | undefined): string {
  return (value ?? '').slice(0, 40);
}
