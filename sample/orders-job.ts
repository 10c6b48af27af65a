import type { StreamingJob } from 'sluice';
import { decodeOrder, type Order } from './order.js';
import { decodePageView, type PageView } from './page-view.js';

/** Orders no page view in the window explains. */
export const UNATTRIBUTED = '(unattributed)';
const add = (a: number, b: number): number => a + b;

/** The later of two views (by event time, then id, so ties resolve the same way on every run). */
export const laterView = (a: PageView, b: PageView): PageView => (b.ts > a.ts || (b.ts === a.ts && b.id > a.id) ? b : a);

/**
 * The second sample stream, over two hubs: orders (source "orders") joined with page views
 * (source "views") by user. Each batch's orders are attributed to the page their user viewed last
 * within the past minute of batches:
 * - each attributed order, to the Blob sink (`attributed-orders-<batchTimeMs>.ndjson`);
 * - revenue per page in cents, to the Blob sink (`revenue-by-page-<batchTimeMs>.ndjson`) and the
 *   Table sink (partition `revenue-by-page`, the last batch's figure).
 * Malformed orders and views go to the dead-letter container.
 */
export const ordersJob: StreamingJob = {
  build(ssc) {
    const orders = ssc.eventHubStream({ source: 'orders', decode: decodeOrder });
    const views = ssc.eventHubStream({ source: 'views', decode: decodePageView });
    const lastPage = views.map((v) => [v.user, v] as [string, PageView]).reduceByKeyAndWindow(laterView, '1m');
    const attributed = orders
      .map((o) => [o.user, o] as [string, Order])
      .leftOuterJoin(lastPage)
      .map(([, [order, view]]) => ({ order: order.id, user: order.user, amountCents: order.amountCents, page: view?.page ?? UNATTRIBUTED }));
    attributed.saveAsTextFiles('attributed-orders');
    const revenue = attributed.map((a) => [a.page, a.amountCents] as [string, number]).reduceByKey(add);
    revenue.saveAsTextFiles('revenue-by-page');
    revenue.saveToTable('revenue-by-page');
  },
};
