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

  it('shows a logged error’s message as its reason, with its code and causes, readable', () => {
    const { logger, lines } = capture();
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:9042'), { code: 'ECONNREFUSED' });
    logger.error({ err: new Error('Cassandra unreachable at start-up', { cause: refused }) }, 'failed');
    expect(lines[0].err).toMatchObject({
      type: 'Error',
      reason: 'Cassandra unreachable at start-up',
      stack: expect.stringMatching(/^Error: Cassandra unreachable at start-up\n/),
      cause: { type: 'Error', reason: 'connect ECONNREFUSED 10.0.0.7:9042', code: 'ECONNREFUSED' },
    });
  });

  it('hides long numbers in an error’s message and stack, and leaves out what a SyntaxError may quote', () => {
    const { logger, lines } = capture();
    logger.error({ err: new Error('no session for card 4111 1111 1111 1111 or phone (212) 555-0123') }, 'failed');
    logger.error(
      {
        err: (() => {
          try {
            JSON.parse('card 4111111111111111');
          } catch (e) {
            return e;
          }
        })(),
      },
      'bad body',
    );
    expect(lines[0].err).toMatchObject({ reason: 'no session for card [digits] or phone ([digits]' });
    expect(JSON.stringify(lines)).not.toMatch(/4111|555-0123/);
    expect(lines[1].err).toMatchObject({ type: 'SyntaxError', reason: '[not logged: may quote its input]' });
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
