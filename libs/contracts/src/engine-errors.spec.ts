import { ChatError, CredentialsRefused, isCredentialsRefusal } from '@ocs/chat-domain';
import { fromWireError, NotOwnerError, toWireError, wireErrorSchema } from './engine-errors';

describe('engine errors on the wire', () => {
  it('carry the owner of NOT_OWNER as a field, and come back as the same typed error', () => {
    const wire = toWireError(NotOwnerError.of('S1', 'node-b'));
    expect(wire).toEqual({ code: 'NOT_OWNER', message: 'chat session S1 is served by node node-b', owner: 'node-b' });
    const back = fromWireError(wireErrorSchema.parse(JSON.parse(JSON.stringify(wire))));
    expect(back).toBeInstanceOf(NotOwnerError);
    expect(back).toMatchObject({ code: 'NOT_OWNER', owner: 'node-b', message: wire.message });
  });

  it('say so when no node serves the session', () => {
    const wire = toWireError(NotOwnerError.of('S1', undefined));
    expect(wire).toEqual({ code: 'NOT_OWNER', message: 'chat session S1 is served by no node now' });
    expect(fromWireError(wire)).toMatchObject({ code: 'NOT_OWNER', owner: undefined });
  });

  it('keep the code and message of every other refusal', () => {
    const back = fromWireError(toWireError(new ChatError('TEXT_TOO_LONG', 'message text is 20 bytes, more than message-max-size (10)')));
    expect(back).toBeInstanceOf(ChatError);
    expect(back).toMatchObject({ code: 'TEXT_TOO_LONG', message: 'message text is 20 bytes, more than message-max-size (10)' });
  });

  it('tell a refusal of the credentials from a passing SESSION_NOT_FOUND', () => {
    const refused = fromWireError(wireErrorSchema.parse(JSON.parse(JSON.stringify(toWireError(new CredentialsRefused('no such chat'))))));
    expect(refused).toBeInstanceOf(CredentialsRefused);
    expect(refused).toMatchObject({ code: 'SESSION_NOT_FOUND', message: 'no such chat' });
    const passing = fromWireError(toWireError(new ChatError('SESSION_NOT_FOUND', 'not restored yet')));
    expect(passing).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    expect(isCredentialsRefusal(passing)).toBe(false);
  });

  it('are no refusal without a known code', () => {
    expect(fromWireError({ message: 'internal error' })).toBeUndefined();
    expect(fromWireError({ code: 'SOMETHING_NEW', message: 'from a newer node' })).toBeUndefined();
  });
});
