/** `@sluice/local-host`: a local Azure Functions host for Node v4-model apps, and its durable extension point. */
export * from './local-host.js';
export type * from './durable-extension-point.js';
export { loadFunctionsApp } from './function-app-loader.js';
export { consoleHostLog } from './host-log.js';
