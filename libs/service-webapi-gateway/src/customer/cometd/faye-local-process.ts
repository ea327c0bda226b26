import type { BayeuxMessage, NodeAdapter } from 'faye';

/** Hands messages to faye's protocol server as local ones; resolves with its replies. */
export type LocalProcess = (messages: BayeuxMessage[]) => Promise<BayeuxMessage[]>;

/**
 * THE ONLY USE OF FAYE INTERNALS (faye 1.4): NodeAdapter keeps its protocol server in `_server`, whose
 * `process(messages, request, callback)` is what faye's own in-process client transport calls. A `null`
 * request marks the messages as "local": faye then lets /meta/subscribe target any channel for any clientId,
 * and our incoming extension trusts them. Replies still go through the extensions; publishes go through the
 * engine's normal publish/queue path.
 */
export function localProcessOf(adapter: NodeAdapter): LocalProcess {
  const server: unknown = Reflect.get(adapter, '_server');
  const process: unknown = typeof server === 'object' && server !== null ? Reflect.get(server, 'process') : undefined;
  if (typeof process !== 'function') throw new Error('faye NodeAdapter has no _server.process(): unsupported faye version');
  return (messages) =>
    new Promise<BayeuxMessage[]>((resolve) => {
      Reflect.apply(process, server, [messages, null, (replies: BayeuxMessage[]) => resolve(replies)]);
    });
}
