/** `sluice/testing`: run a pipeline batch by batch without Functions, for unit tests of your jobs. */
export { runBatches, type RunBatchesOptions, type BatchInput } from './run-batches.js';
