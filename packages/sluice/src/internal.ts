/**
 * Sluice's own seam for its local dev stack (packages/dev, local-durable): the public API plus the
 * parts the stack drives directly (the engine, the receivers, the settings schema, the storage
 * adapters, the dev-overrides seam). Not part of the public API: no compatibility promise, and the
 * API report does not track it.
 */
export * from './index.js';
export { clearDevOverrides, registeredApps, setDevOverrides, type DevOverrides, type RegisteredAppView, type RegisteredSourceView } from './app/dev-overrides.js';
export { loadConfig, readConnection, settingSources, settingsEnvironment, DEV_ACCOUNT, DEV_KEY, type SettingSource, type SettingValue, type StreamSettingKey } from './config/config.js';
export { SETTINGS, SETTING_LIST } from './config/settings.js';
export { ReliableReceiver, type ReceiveResult } from './receiver/reliable-receiver.js';
export { BufferedReceiver } from './receiver/buffered-receiver.js';
export { StreamEngine, type BatchSummary, type EngineOptions } from './scheduler/stream-engine.js';
export { DriverLoop, type DriverLoopOptions } from './scheduler/driver-loop.js';
export { azureStreamStorage } from './adapters/azure/azure-storage.js';
export { storageClients } from './adapters/azure/storage-clients.js';
export { consoleLogger, type Logger } from './util/log.js';
export { BatchLog } from './wal/batch-log.js';
export { CheckpointStore } from './wal/checkpoint-store.js';
export { fromColumns, toColumns } from './wal/json-columns.js';
export { TableEntityTable } from './adapters/azure/table-entity-table.js';
export { MAX_TRANSACTION_OPERATIONS, type EntityValue, type TableOperation } from './ports/entity-table.js';
