import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { SumMetricData } from '@opentelemetry/sdk-metrics';
import { OtelBatchTelemetry } from '#sluice/telemetry/otel-batch-telemetry.js';
import { ATTR, EVENT, METRIC } from '#sluice/telemetry/telemetry-names.js';
import { captureOtel } from '../support/otel-capture.js';

test('events lost to retention reach Application Insights as an error record and a counter per source and partition', async () => {
  const otel = captureOtel();
  const telemetry = new OtelBatchTelemetry('orders', 10_000, otel);

  telemetry.eventsLost({ source: 'views', eventHubName: 'pageviews', partition: '3', count: 7 });
  telemetry.eventsLost({ source: 'views', eventHubName: 'pageviews', partition: '3', count: 2 });
  telemetry.eventsLost({ source: 'orders', eventHubName: 'orders', partition: '3', count: 1 });

  const records = otel.logRecords();
  assert.equal(records.length, 3);
  assert.equal(records[0]!.severityNumber, SeverityNumber.ERROR);
  assert.deepEqual(
    {
      event: records[0]!.attributes[ATTR.event], stream: records[0]!.attributes[ATTR.stream], source: records[0]!.attributes[ATTR.source],
      hub: records[0]!.attributes[ATTR.eventHub], partition: records[0]!.attributes[ATTR.partition], lost: records[0]!.attributes[ATTR.lostEvents],
    },
    { event: EVENT.lost, stream: 'orders', source: 'views', hub: 'pageviews', partition: '3', lost: 7 },
  );
  const lost = (await otel.metrics()).find((m) => m.descriptor.name === METRIC.lostEvents) as SumMetricData | undefined;
  assert.ok(lost, 'the lost-events counter is exported');
  // A two-hub stream's partitions share ids: the counter tells them apart by source.
  assert.deepEqual(lost.dataPoints.map((p) => [p.attributes[ATTR.source], p.attributes[ATTR.partition], p.value]).sort(), [['orders', '3', 1], ['views', '3', 9]]);
  await otel.close();
});
