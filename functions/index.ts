/**
 * The sample Functions app (package.json "main"), written as any app using Sluice: two streams.
 * - "pageviews" reads the hub "pageviews" and counts views per page, country and user.
 * - "orders" reads two hubs, "orders" and "pageviews" (with its own consumer group), and
 *   attributes each order to the page its user viewed last in the batch: revenue per page.
 */
import { sluiceApp } from 'sluice';
import { ordersJob } from '../sample/orders-job.js';
import { pageViewsJob } from '../sample/page-views-job.js';

const app = sluiceApp();

app.stream({ name: 'pageviews', source: { eventHubName: 'pageviews' }, job: pageViewsJob });

app.stream({
  name: 'orders',
  sources: {
    orders: { eventHubName: 'orders' },
    views: { eventHubName: 'pageviews', consumerGroup: 'orders' },
  },
  job: ordersJob,
});
