/** `@sluice/dev`: the local stack (Azurite, dev hub, local host, durable runtime) and the sample producer. */
export * from './stack.js';
export * from './azurite.js';
export * from './producer.js';
