import type { StreamingJob } from 'sluice';
import { decodePageView } from './page-view.js';

const add = (a: number, b: number): number => a + b;
const subtract = (a: number, b: number): number => a - b;

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
export const pageViewsJob: StreamingJob = {
  build(ssc) {
    const views = ssc.eventHubStream({ decode: decodePageView });
    const perPage = views.map((v) => [v.page, 1] as [string, number]).reduceByKey(add);
    perPage.saveAsTextFiles('page-counts');
    perPage.saveToTable('page-counts');
    views.count().saveAsTextFiles('views');
    views
      .map((v) => [v.country, 1] as [string, number])
      .reduceByKeyAndWindow(add, '1m', undefined, { inverse: subtract, filter: ([, n]) => n > 0 })
      .saveAsTextFiles('country-1m');
    views
      .map((v) => [v.user, 1] as [string, number])
      .updateStateByKey((counts: number[], total: number | undefined) => (total ?? 0) + counts.reduce(add, 0))
      .saveToTable('user-totals');
    // Views without a numeric ts still count above; only the event-time minutes need one.
    views
      .filter((v) => Number.isFinite(v.ts))
      .withWatermark((v) => v.ts, '1m')
      .dropDuplicatesWithinWatermark((v) => v.id)
      .map((v) => [v.page, 1] as [string, number])
      .window('1m')
      .countByKey()
      .saveAsTextFiles('page-views-by-minute');
  },
};
