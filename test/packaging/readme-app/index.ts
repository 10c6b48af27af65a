// The README's example app, compiled by the build so the manual's code cannot drift from the API
// (test/packaging/readme-example.test.ts keeps the two the same).
import { sluiceApp, type StreamingJob } from 'sluice';

interface View { user: string; page: string; country: string }
interface Order { user: string; cents: number }
const add = (a: number, b: number): number => a + b;

// Views per page each batch, and per country over a sliding minute (inverse reduce).
const pageViews: StreamingJob = {
  build(ssc) {
    const views = ssc.eventHubStream<View>();
    views.map((v) => [v.page, 1] as [string, number]).reduceByKey(add).saveAsTextFiles('page-counts');
    views.map((v) => [v.country, 1] as [string, number])
      .reduceByKeyAndWindow(add, '1m', '10s', { inverse: (a, b) => a - b })
      .saveToTable('country-1m');
  },
};

// Revenue per page: each order joined with the page its user viewed in the last minute.
const revenue: StreamingJob = {
  build(ssc) {
    const orders = ssc.eventHubStream<Order>({ source: 'orders' }).map((o) => [o.user, o.cents] as [string, number]);
    const lastPage = ssc.eventHubStream<View>({ source: 'views' })
      .map((v) => [v.user, v.page] as [string, string])
      .reduceByKeyAndWindow((_, b) => b, '1m');
    orders.join(lastPage).map(([, [cents, page]]) => [page, cents] as [string, number]).reduceByKey(add).saveToTable('revenue-by-page');
  },
};

const app = sluiceApp(); // the supervisor, the status page and the start/stop/replay routes, once
app.stream({ name: 'pageviews', source: { eventHubName: 'pageviews' }, job: pageViews });
app.stream({
  name: 'orders',
  sources: { orders: { eventHubName: 'orders' }, views: { eventHubName: 'pageviews', consumerGroup: 'orders' } },
  job: revenue,
});
