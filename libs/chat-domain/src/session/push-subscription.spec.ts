import { ChatError } from '../errors';
import { DEFAULT_RULES, type PushRules } from '../rules';
import { customer, startChat } from '../test/helpers';
import type { KvList } from '../types';
import { readPushSubscription } from './push-subscription';

const ON_JOIN: PushRules = { ...DEFAULT_RULES.push, onJoin: true };
const REST = { GCTI_Chat_PushSubscribe: 'true', GCTI_GMS_PushDeviceId: 'device-1', GCTI_GMS_PushDeviceType: 'customhttp' };

function refusal(userData: KvList, rules: PushRules = ON_JOIN): string {
  try {
    readPushSubscription(userData, rules);
  } catch (e) {
    if (e instanceof ChatError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'accepted';
}

describe('push subscription from the Request Chat user data', () => {
  describe('the REST form (GCTI_Chat_PushSubscribe with the GCTI_GMS_* keys)', () => {
    it('reads every key the guide lists', () => {
      const userData = {
        ...REST,
        GCTI_GMS_NotifyRequestor: 'true',
        GCTI_GMS_PushIncludePayload: 'TRUE',
        GCTI_GMS_PushResend: 'true',
        GCTI_GMS_PushProvider: 'prov',
        GCTI_GMS_PushDebug: 'true',
        GCTI_GMS_ClientChannel: 'chat-channel',
        GCTI_GMS_NodeGroup: 'gms-cluster',
      };
      expect(readPushSubscription(userData, ON_JOIN)).toEqual({
        deviceId: 'device-1',
        deviceType: 'customhttp',
        notifyRequestor: true,
        includePayload: true,
        resend: true,
        provider: 'prov',
        debug: true,
        clientChannel: 'chat-channel',
        nodeGroup: 'gms-cluster',
      });
    });

    it('takes absent flags as false and leaves absent optional keys out', () => {
      expect(readPushSubscription(REST, ON_JOIN)).toEqual({
        deviceId: 'device-1',
        deviceType: 'customhttp',
        notifyRequestor: false,
        includePayload: false,
        resend: false,
      });
      expect(readPushSubscription({ ...REST, GCTI_GMS_PushDebug: 'false' }, ON_JOIN)).toMatchObject({ debug: false });
    });

    it('refuses a device type other than customhttp, naming the key and the value', () => {
      expect(refusal({ ...REST, GCTI_GMS_PushDeviceType: 'fcm' })).toBe(
        'INVALID_ARGUMENT: GCTI_GMS_PushDeviceType "fcm" is not supported; expected customhttp',
      );
    });

    it('refuses a subscription without device id or type, naming the missing key', () => {
      expect(refusal({ GCTI_Chat_PushSubscribe: 'true', GCTI_GMS_PushDeviceType: 'customhttp' })).toBe(
        'INVALID_ARGUMENT: GCTI_GMS_PushDeviceId is required with GCTI_Chat_PushSubscribe=true',
      );
      expect(refusal({ GCTI_Chat_PushSubscribe: 'true', GCTI_GMS_PushDeviceId: ' ' })).toMatch(/GCTI_GMS_PushDeviceId is required/);
      expect(refusal({ GCTI_Chat_PushSubscribe: 'true', GCTI_GMS_PushDeviceId: 'd' })).toMatch(/GCTI_GMS_PushDeviceType is required/);
    });

    it('refuses a flag that is neither true nor false, naming the key and the value', () => {
      expect(refusal({ ...REST, GCTI_GMS_PushResend: 'yes' })).toBe('INVALID_ARGUMENT: GCTI_GMS_PushResend "yes" must be true or false');
      expect(refusal({ ...REST, GCTI_GMS_NotifyRequestor: { nested: 'x' } })).toBe('INVALID_ARGUMENT: GCTI_GMS_NotifyRequestor must be a text');
    });

    it('subscribes nobody without flex-push-on-join, nor with GCTI_Chat_PushSubscribe other than true', () => {
      expect(readPushSubscription(REST, DEFAULT_RULES.push)).toBeUndefined();
      expect(readPushSubscription({ ...REST, GCTI_GMS_PushDeviceType: 'fcm' }, DEFAULT_RULES.push)).toBeUndefined();
      expect(readPushSubscription({ ...REST, GCTI_Chat_PushSubscribe: 'false' }, ON_JOIN)).toBeUndefined();
    });
  });

  describe('the CometD form (push_notification_deviceid and push_notification_type)', () => {
    it('subscribes a customhttp device without payload nor own activity, with the optional debug and provider', () => {
      const userData = {
        push_notification_deviceid: 'd-2',
        push_notification_type: 'customhttp',
        push_notification_debug: 'true',
        push_notification_provider: 'p',
      };
      expect(readPushSubscription(userData, DEFAULT_RULES.push)).toEqual({
        deviceId: 'd-2',
        deviceType: 'customhttp',
        notifyRequestor: false,
        includePayload: false,
        resend: false,
        provider: 'p',
        debug: true,
      });
    });

    it('a type this server does not deliver (fcm) subscribes to nothing and is not refused: it keeps the session alive only', () => {
      expect(readPushSubscription({ push_notification_deviceid: 'd', push_notification_type: 'fcm' }, DEFAULT_RULES.push)).toBeUndefined();
      const { customer: c, session } = startChat({ creator: customer({ userData: { push_notification_deviceid: 'd', push_notification_type: 'fcm' } }) });
      expect(c.pushSubscribed).toBe(true);
      expect(session.state.push).toBeUndefined();
    });
  });

  it('with flex-push-enabled=false nobody subscribes, whatever the form', () => {
    const off = { ...ON_JOIN, enabled: false };
    expect(readPushSubscription(REST, off)).toBeUndefined();
    expect(readPushSubscription({ push_notification_deviceid: 'd', push_notification_type: 'customhttp' }, off)).toBeUndefined();
  });

  it('a refused subscription refuses the creation of the session', () => {
    expect(() => startChat({ rules: { push: ON_JOIN }, creator: customer({ userData: { ...REST, GCTI_GMS_PushDeviceType: 'apple' } }) })).toThrow(
      /GCTI_GMS_PushDeviceType "apple"/,
    );
  });

  it('a REST-form subscriber is timed by flex-push-timeout like a CometD-form one', () => {
    const { customer: c, session } = startChat({ rules: { push: ON_JOIN }, creator: customer({ userData: REST }) });
    expect(c.pushSubscribed).toBe(true);
    expect(session.state.push).toMatchObject({ userId: c.userId, readTo: 1 });
  });
});
