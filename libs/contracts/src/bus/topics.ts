/** Topic names of the event bus, versioned with the schema of their records (a new schema is a new topic). */
export const TOPICS = {
  /** What happens in chat sessions (`SessionEventRecord`), keyed by session id. */
  sessionEvents: 'ocs.chat.session-events.v1',
  /** Requests addressed to one session-engine node (`NodeCommandRecord`), keyed by session id. */
  nodeCommands: 'ocs.chat.node-commands.v1',
  /** What happened to interactions on the shared interaction queue (`InteractionEventRecord`, cluster mode), keyed by interaction id. */
  interactionEvents: 'ocs.interaction.events.v1',
  /** What the built-in routing is asked to do (`RoutingCommandRecord`), keyed by tenant dbid. */
  routingCommands: 'ocs.routing.commands.v1',
} as const;
