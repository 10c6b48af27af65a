import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type MetricData } from '@opentelemetry/sdk-metrics';

/**
 * OpenTelemetry providers that keep what they are given in memory, so a test reads back exactly
 * what Sluice would export to Application Insights. Metrics are read on demand (the periodic
 * export never fires within a test); close() shuts both providers down.
 */
export interface OtelCapture {
  readonly meterProvider: MeterProvider;
  readonly loggerProvider: LoggerProvider;
  logRecords(): ReadableLogRecord[];
  /** Every metric collected so far, cumulative. */
  metrics(): Promise<MetricData[]>;
  close(): Promise<void>;
}

export function captureOtel(): OtelCapture {
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor(logExporter)] });
  return {
    meterProvider,
    loggerProvider,
    logRecords: () => logExporter.getFinishedLogRecords(),
    async metrics() {
      await reader.forceFlush();
      return metricExporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    },
    async close() {
      await meterProvider.shutdown();
      await loggerProvider.shutdown();
    },
  };
}
