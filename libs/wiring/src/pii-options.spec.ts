import { maskText } from '@ocs/chat-domain';
import { parseConfig } from '@ocs/config';
import { piiFromConfig } from './config-to-options';

const options = (document: Record<string, unknown>) => piiFromConfig(parseConfig(document));

describe('[transcript-cleanup] options', () => {
  it('apply-area never (the default): no masking rules, no typing mask: the message path does no masking work', () => {
    expect(options({})).toEqual({});
    expect(options({ 'transcript-cleanup': { 'apply-area': 'never', 'default-spec': 'all' } })).toEqual({});
  });

  it('with an area and no rules of its own: the three default rules, in order, with the default spec and character', () => {
    const { pii } = options({ 'transcript-cleanup': { 'apply-area': 'always' } });
    expect(pii?.area).toBe('always');
    expect(pii?.unmaskLiveDialog).toBe(false);
    expect(pii?.rules.map((r) => [r.order, r.id, r.spec.text, r.repchar])).toEqual([
      [1, 'GCTI_CreditCards', 'digits', '*'],
      [2, 'GCTI_SSN', 'digits', '*'],
      [3, 'GCTI_PhoneNANPA', 'digits', '*'],
    ]);
  });

  it('configured rules replace the defaults, in their order, named, with description and id', () => {
    const rules = [
      { id: 'R-1', name: 'Orders', description: 'order numbers', regex: 'ORD-\\d{6}', spec: 'digits:2' },
      { id: 'R-2', name: 'IBAN', regex: 'DE\\d{20}', repchar: '#' },
    ];
    const { pii } = options({
      'transcript-cleanup': { 'apply-area': 'history-all', 'default-repchar': 'X', 'default-spec': 'all', rules: JSON.stringify(rules) },
    });
    expect(pii?.rules.map((r) => [r.order, r.id, r.name, r.description, r.spec.text, r.repchar])).toEqual([
      [1, 'R-1', 'Orders', 'order numbers', 'digits:2', 'X'],
      [2, 'R-2', 'IBAN', '', 'all', '#'],
    ]);
    expect(maskText('ORD-123456 DE12345678901234567890', pii?.rules ?? []).text).toBe('ORD-XXXX56 ######################');
  });

  it('the names from before 8.5.103 are aliases: transcript-cleanup-mask for default-repchar, transcript-cleanup-typing for typing-preview', () => {
    const legacy = options({
      settings: { 'transcript-cleanup-mask': '#', 'transcript-cleanup-typing': 'any' },
      'transcript-cleanup': { 'apply-area': 'always' },
    });
    expect(legacy.typingPreviewMask).toBe('#');
    expect(legacy.pii?.rules[0].repchar).toBe('#');
    // the new names win where both are set
    const both = options({
      settings: { 'transcript-cleanup-mask': '#', 'transcript-cleanup-typing': 'any' },
      'transcript-cleanup': { 'default-repchar': 'x', 'typing-preview': 'none' },
    });
    expect(both).toEqual({});
    expect(options({ 'transcript-cleanup': { 'typing-preview': 'message' } })).toEqual({ typingPreviewMask: '*' });
  });

  it('unmask-live-dialog and allow-bot-unmask reach the rules', () => {
    expect(options({ 'transcript-cleanup': { 'apply-area': 'always', 'unmask-live-dialog': 'true' } }).pii?.unmaskLiveDialog).toBe(true);
    expect(options({ 'transcript-cleanup': { 'apply-area': 'always' } }).pii?.allowBotUnmask).toBeUndefined();
    expect(options({ 'transcript-cleanup': { 'apply-area': 'always', 'allow-bot-unmask': 'true' } }).pii?.allowBotUnmask).toBe(true);
  });

  describe('apply-config', () => {
    const orders = JSON.stringify([{ id: 'R-1', name: 'Orders', regex: 'ORD-\\d{6}' }]);
    const fromUcs = () => [];
    const withConfig = (applyConfig: string) =>
      piiFromConfig(parseConfig({ 'transcript-cleanup': { 'apply-area': 'always', 'apply-config': applyConfig, rules: orders } }), fromUcs).pii;

    it('cfg: the configured rules only; rule sets in UCS are not looked at', () => {
      expect(withConfig('cfg')?.tenantRules).toBeUndefined();
      expect(withConfig('cfg')?.rules.map((r) => r.id)).toEqual(['R-1']);
    });

    it('mix (the default, as in Genesys): the tenant’s set in UCS, else the configured rules', () => {
      expect(parseConfig({}).transcriptCleanup.applyConfig).toBe('mix');
      expect(withConfig('mix')?.tenantRules).toBe(fromUcs);
      expect(withConfig('mix')?.rules.map((r) => r.id)).toEqual(['R-1']);
    });

    it('ucs: the tenant’s set in UCS, else nothing (the configured rules are not used)', () => {
      expect(withConfig('ucs')?.tenantRules).toBe(fromUcs);
      expect(withConfig('ucs')?.rules).toEqual([]);
    });

    it('refuses an unknown source and a refresh interval out of range, naming the option', () => {
      expect(() => parseConfig({ 'transcript-cleanup': { 'apply-config': 'gax' } })).toThrow(/apply-config.*expected one of cfg, ucs, mix/);
      expect(() => parseConfig({ 'transcript-cleanup': { 'ucs-refresh-interval': '0' } })).toThrow(/ucs-refresh-interval/);
      expect(parseConfig({}).transcriptCleanup.ucsRefreshInterval).toBe(60);
    });
  });
});
