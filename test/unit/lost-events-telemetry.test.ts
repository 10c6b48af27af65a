import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { SumMetricData } from '@opentelemetry/sdk-metrics';
import { OtelBatchTelemetry } from '#sluice/telemetry/otel-batch-telemetry.js';
import { ATTR, EVENT, METRIC } from '#sluice/telemetry/telemetry-names.js';
import { captureOtel } from '../support/otel-capture.js';

test('events lost to retention reach Application Insights as an error record and a counter per partition', async () => {
  const otel = captureOtel();
  const telemetry = new OtelBatchTelemetry('orders', 10_000, otel);

  telemetry.eventsLost({ partition: '3', count: 7 });
  telemetry.eventsLost({ partition: '3', count: 2 });

  const records = otel.logRecords();
  assert.equal(records.length, 2);
  assert.equal(records[0]!.severityNumber, SeverityNumber.ERROR);
  assert.deepEqual(
    { event: records[0]!.attributes[ATTR.event], stream: records[0]!.attributes[ATTR.stream], partition: records[0]!.attributes[ATTR.partition], lost: records[0]!.attributes[ATTR.lostEvents] },
    { event: EVENT.lost, stream: 'orders', partition: '3', lost: 7 },
  );
  const lost = (await otel.metrics()).find((m) => m.descriptor.name === METRIC.lostEvents) as SumMetricData | undefined;
  assert.ok(lost, 'the lost-events counter is exported');
  assert.deepEqual(lost.dataPoints.map((p) => [p.attributes[ATTR.partition], p.value]), [['3', 9]]);
  await otel.close();
});
