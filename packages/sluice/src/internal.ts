/**
 * Sluice's own seam for its local dev stack (packages/dev, local-durable): the public API plus the
 * parts the stack drives directly. Not part of the public API: no compatibility promise, and the
 * API report does not track it.
 */
export * from './index.js';
export { clearDevOverrides, registeredApps, setDevOverrides, type DevOverrides, type RegisteredAppView, type RegisteredSourceView } from './app/dev-overrides.js';
export { settingsEnvironment, DEV_ACCOUNT, DEV_KEY } from './config/config.js';
export { consoleLogger, type Logger } from './util/log.js';
export { BatchLog } from './wal/batch-log.js';
export { CheckpointStore } from './wal/checkpoint-store.js';
export { fromColumns, toColumns } from './wal/json-columns.js';
export { TableEntityTable } from './adapters/azure/table-entity-table.js';
export { MAX_TRANSACTION_OPERATIONS, type EntityValue, type TableOperation } from './ports/entity-table.js';
