// A user's Functions app, as a user writes it: two streams over two hubs, one joining them. It
// imports Sluice by package name only; the test copies it into a fresh folder with the packed
// tarballs installed, so nothing here can reach the repository's sources.
import { sluiceApp } from 'sluice';

const add = (a, b) => a + b;

const app = sluiceApp();

// Clicks per page, from the hub "clicks" (bodies are JSON, the default decoding).
app.stream({
  name: 'clicks',
  source: { eventHubName: 'clicks' },
  job: {
    build(ssc) {
      ssc.eventHubStream().map((c) => [c.page, 1]).reduceByKey(add).updateStateByKey((values, total) => values.reduce(add, total ?? 0)).saveToTable('clicks-by-page');
    },
  },
});

// Revenue per page: orders (hub "orders") joined by user with clicks (hub "clicks", the stream's
// own consumer group), both over a ten-minute window.
app.stream({
  name: 'sales',
  sources: { orders: { eventHubName: 'orders' }, clicks: { eventHubName: 'clicks', consumerGroup: 'sales' } },
  job: {
    build(ssc) {
      const orders = ssc.eventHubStream({ source: 'orders' }).map((o) => [o.user, o.cents]).window('10m');
      const clicks = ssc.eventHubStream({ source: 'clicks' }).map((c) => [c.user, c.page]).window('10m');
      orders.join(clicks).map(([, [cents, page]]) => [page, cents]).reduceByKey(add).saveToTable('revenue-by-page');
    },
  },
});
