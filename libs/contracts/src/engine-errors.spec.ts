import { ChatError } from '@ocs/chat-domain';
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

  it('are no refusal without a known code', () => {
    expect(fromWireError({ message: 'internal error' })).toBeUndefined();
    expect(fromWireError({ code: 'SOMETHING_NEW', message: 'from a newer node' })).toBeUndefined();
  });
});
