import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { OtelBatchTelemetry } from '../../src/telemetry/otel-batch-telemetry.js';
import { ATTR, EVENT, METRIC } from '../../src/telemetry/telemetry-names.js';

test('events lost to retention reach Application Insights as an error record and a counter per partition', async () => {
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor(logExporter)] });
  const telemetry = new OtelBatchTelemetry('orders', 10_000, { meterProvider, loggerProvider });

  telemetry.eventsLost({ partition: '3', count: 7 });
  telemetry.eventsLost({ partition: '3', count: 2 });

  const records = logExporter.getFinishedLogRecords();
  assert.equal(records.length, 2);
  assert.equal(records[0]!.severityNumber, SeverityNumber.ERROR);
  assert.deepEqual(
    { event: records[0]!.attributes[ATTR.event], stream: records[0]!.attributes[ATTR.stream], partition: records[0]!.attributes[ATTR.partition], lost: records[0]!.attributes[ATTR.lostEvents] },
    { event: EVENT.lost, stream: 'orders', partition: '3', lost: 7 },
  );
  await reader.forceFlush();
  const lost = metricExporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)).find((m) => m.descriptor.name === METRIC.lostEvents) as SumMetricData | undefined;
  assert.ok(lost, 'the lost-events counter is exported');
  assert.deepEqual(lost.dataPoints.map((p) => [p.attributes[ATTR.partition], p.value]), [['3', 9]]);
  await meterProvider.shutdown();
  await loggerProvider.shutdown();
});
