/** `@sluice/dev-hub`: an Event Hubs-compatible AMQP hub in one process, for local runs and tests. */
export * from './dev-hub.js';
