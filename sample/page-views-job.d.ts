import type { StreamingJob } from '#sluice/dstream/streaming-context.js';
/**
 * The sample job `npm start` runs: page views in, and per batch:
 * - views per page, to the Blob sink (`page-counts-<batchTimeMs>.ndjson`) and the Table sink
 *   (partition `page-counts`, one row per page, the last batch's count);
 * - views per country over the last minute, sliding every batch, computed incrementally with an
 *   inverse function (`country-1m-<batchTimeMs>.ndjson`);
 * - running views per user with updateStateByKey, to the Table sink (partition `user-totals`);
 * - views per page per minute of event time (each view's `ts`), with a 1-minute watermark and
 *   producer retries dropped by view id, each minute written once when the watermark passes it
 *   (`page-views-by-minute-<batchTimeMs>.ndjson`); `npm run produce -- --late-every 10` sends
 *   out-of-order and too-late views to see it count the first and drop the second.
 * Malformed events (the producer sends some on purpose) go to the dead-letter container.
 */
export declare const pageViewsJob: StreamingJob;
