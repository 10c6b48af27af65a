import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metrics } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import type { SumMetricData } from '@opentelemetry/sdk-metrics';
import { readAppInsights } from '#sluice/config/config.js';
import { OtelBatchTelemetry } from '#sluice/telemetry/otel-batch-telemetry.js';
import { ATTR, METRIC } from '#sluice/telemetry/telemetry-names.js';
import { captureOtel } from '../support/otel-capture.js';

test('the Application Insights connection is read as the Bicep sets it: connection string plus the identity that signs in', () => {
  assert.equal(readAppInsights({}), undefined, 'no connection string: nothing is exported');
  assert.deepEqual(readAppInsights({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=k;IngestionEndpoint=https://x/', APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=abc-123;Authorization=AAD' }),
    { connectionString: 'InstrumentationKey=k;IngestionEndpoint=https://x/', clientId: 'abc-123', entraId: true });
  assert.deepEqual(readAppInsights({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=k' }), { connectionString: 'InstrumentationKey=k', entraId: false });
});

test('telemetry made before the SDK registers still reaches it: the distro loads after the app context is built', async () => {
  const telemetry = new OtelBatchTelemetry('s', 1000); // global providers: no-ops at this point
  telemetry.batchRetry({ batchTime: 1, attempt: 1, transient: true, delayMs: 1, nextAt: 2, since: 1, error: 'lost' });
  const otel = captureOtel();
  assert.ok(metrics.setGlobalMeterProvider(otel.meterProvider));
  assert.ok(logs.setGlobalLoggerProvider(otel.loggerProvider));
  try {
    telemetry.batchRetry({ batchTime: 2, attempt: 2, transient: false, delayMs: 2, nextAt: 4, since: 1, error: 'seen' });
    const retries = (await otel.metrics()).find((m) => m.descriptor.name === METRIC.retries) as SumMetricData;
    assert.deepEqual(retries.dataPoints.map((p) => [p.attributes[ATTR.transient], p.value]), [[false, 1]], 'only the retry after registration, none lost to a stale no-op');
    assert.deepEqual(otel.logRecords().map((r) => r.attributes[ATTR.error]), ['seen']);
  } finally {
    metrics.disable();
    logs.disable();
    await otel.close();
  }
});
