/** `@sluice/local-durable`: a local Durable Functions runtime over Table Storage, plugged into the local host. */
export * from './durable-extension.js';
export * from './durable-runtime.js';
