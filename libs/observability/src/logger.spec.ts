import { createLogger, type LogHygiene } from './logger';
import { NestPinoLogger } from './nest-logger';

function capture(level: 'info' | 'trace' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: 'test-service', level }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes structured JSON lines with service, level label and ISO time', () => {
    const { logger, lines } = capture();
    logger.info({ sessionId: 's1' }, 'session started');
    logger.debug('not at info');
    expect(lines).toEqual([
      { level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), service: 'test-service', sessionId: 's1', msg: 'session started' },
    ]);
  });

  it('redacts secrets and customer data at the top level and nested in objects and arrays', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        secureKey: 'k',
        secret: 's',
        password: 'p',
        token: 't',
        authorization: 'Bearer x',
        apikey: 'a',
        sessionId: 's1',
        request: {
          headers: { authorization: 'Basic y', apikey: 'b' },
          body: { nickname: 'Ann', emailAddress: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', text: 'hello' },
          userData: { GCTI_Chat_SessionPassword: 'pw' },
        },
        session: { participants: [{ nickname: 'Bob', userData: { ChatServerSessionPassword: 'pw' } }] },
        a: { b: { c: { d: { message: 'deep' } } } },
      },
      'request',
    );
    const censored = '[redacted]';
    expect(lines[0]).toMatchObject({
      secureKey: censored,
      secret: censored,
      password: censored,
      token: censored,
      authorization: censored,
      apikey: censored,
      sessionId: 's1',
      request: {
        headers: { authorization: censored, apikey: censored },
        body: { nickname: censored, emailAddress: censored, firstName: censored, lastName: censored, text: censored },
        userData: censored,
      },
      session: { participants: [{ nickname: censored, userData: censored }] },
      a: { b: { c: { d: { message: censored } } } },
    });
    for (const secret of ['ann@example.com', 'hello', 'Bob', 'pw', 'Bearer', 'deep']) expect(JSON.stringify(lines[0])).not.toContain(secret);
  });

  it('censors the message of a logged error, which its stack still shows', () => {
    const { logger, lines } = capture();
    logger.error({ err: new Error('store unreachable') }, 'failed');
    expect(lines[0].err).toMatchObject({ type: 'Error', message: '[redacted]', stack: expect.stringMatching(/^Error: store unreachable\n/) });
  });
});

describe('createLogger with log hygiene options', () => {
  function captureWith(hygiene: LogHygiene) {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ service: 'test-service', hygiene }, { write: (line: string) => lines.push(JSON.parse(line)) });
    return { logger, lines };
  }
  const SAFE: LogHygiene = { messagePrintSize: 0, hideAttachedData: true, transcript: 'hide', structuredText: 'hide' };

  it('message-log-print-size 0: a message text shows as [truncated from size=N] only, N in characters', () => {
    const { logger, lines } = captureWith(SAFE);
    logger.info({ event: { text: 'card 4111 😀' }, transcript: '<chatTranscript/>', structuredText: '<x/>', userData: { a: '1' }, nickname: 'Ann' }, 'm');
    expect(lines[0]).toMatchObject({
      event: { text: '[truncated from size=11]' },
      transcript: '[hidden]',
      structuredText: '[hidden]',
      userData: '[redacted]',
      nickname: '[redacted]',
    });
    expect(JSON.stringify(lines[0])).not.toContain('4111');
  });

  it('message-log-print-size N prints the first N characters; hide-attached-data false, copy and skip', () => {
    const { logger, lines } = captureWith({ messagePrintSize: 4, hideAttachedData: false, transcript: 'copy', structuredText: 'skip' });
    logger.info({ text: 'card 4111', short: { text: 'ok' }, userData: { a: '1' }, transcript: '<t/>', structuredText: '<s/>', secureKey: 'k' }, 'm');
    expect(lines[0]).toMatchObject({
      text: 'card[truncated from size=9]',
      short: { text: 'ok' },
      userData: { a: '1' },
      transcript: '<t/>',
      secureKey: '[redacted]',
    });
    expect(lines[0]).not.toHaveProperty('structuredText');
  });
});

describe('NestPinoLogger', () => {
  it('maps Nest levels and parameters onto pino', () => {
    const { logger, lines } = capture('trace');
    const nest = new NestPinoLogger(logger);
    nest.log('Mapped {/health, GET} route', 'RouterExplorer');
    nest.verbose('details');
    nest.error('Unhandled', 'Error: boom\n    at x (y.js:1:1)', 'ExceptionsHandler');
    nest.warn({ text: 'hi' }, 'Ctx');
    nest.fatal(new Error('crash'));
    expect(lines).toEqual([
      expect.objectContaining({ level: 'debug', context: 'RouterExplorer', msg: 'Mapped {/health, GET} route' }),
      expect.objectContaining({ level: 'trace', msg: 'details' }),
      expect.objectContaining({ level: 'error', context: 'ExceptionsHandler', stack: 'Error: boom\n    at x (y.js:1:1)', msg: 'Unhandled' }),
      expect.objectContaining({ level: 'warn', context: 'Ctx', data: { text: '[redacted]' } }),
      expect.objectContaining({ level: 'fatal', err: expect.objectContaining({ type: 'Error' }), msg: 'crash' }),
    ]);
  });
});
