import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metrics } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { readAppInsights } from '../../src/config/config.js';
import { OtelBatchTelemetry } from '../../src/telemetry/otel-batch-telemetry.js';
import { ATTR, METRIC } from '../../src/telemetry/telemetry-names.js';

test('the Application Insights connection is read as the Bicep sets it: connection string plus the identity that signs in', () => {
  assert.equal(readAppInsights({}), undefined, 'no connection string: nothing is exported');
  assert.deepEqual(readAppInsights({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=k;IngestionEndpoint=https://x/', APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=abc-123;Authorization=AAD' }),
    { connectionString: 'InstrumentationKey=k;IngestionEndpoint=https://x/', clientId: 'abc-123', entraId: true });
  assert.deepEqual(readAppInsights({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=k' }), { connectionString: 'InstrumentationKey=k', entraId: false });
});

test('telemetry made before the SDK registers still reaches it: the distro loads after the app context is built', async () => {
  const telemetry = new OtelBatchTelemetry('s', 1000); // global providers: no-ops at this point
  telemetry.batchRetry({ batchTime: 1, attempt: 1, transient: true, delayMs: 1, nextAt: 2, since: 1, error: 'lost' });
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor(logExporter)] });
  assert.ok(metrics.setGlobalMeterProvider(meterProvider));
  assert.ok(logs.setGlobalLoggerProvider(loggerProvider));
  try {
    telemetry.batchRetry({ batchTime: 2, attempt: 2, transient: false, delayMs: 2, nextAt: 4, since: 1, error: 'seen' });
    await reader.forceFlush();
    const retries = exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)).find((m) => m.descriptor.name === METRIC.retries) as SumMetricData;
    assert.deepEqual(retries.dataPoints.map((p) => [p.attributes[ATTR.transient], p.value]), [[false, 1]], 'only the retry after registration, none lost to a stale no-op');
    assert.deepEqual(logExporter.getFinishedLogRecords().map((r) => r.attributes[ATTR.error]), ['seen']);
  } finally {
    metrics.disable();
    logs.disable();
    await meterProvider.shutdown();
    await loggerProvider.shutdown();
  }
});
