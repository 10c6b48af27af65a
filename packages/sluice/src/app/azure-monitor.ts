import { ManagedIdentityCredential } from '@azure/identity';
import type { AppInsightsConnection } from '../config/config.js';
import type { Logger } from '../util/log.js';

let enabled: Promise<boolean> | undefined;

/**
 * Registers the Azure Monitor OpenTelemetry distro as the process's OTel SDK, so the app's
 * metrics and log records (src/telemetry/) reach Application Insights. Done once per process, and
 * only when APPLICATIONINSIGHTS_CONNECTION_STRING is set: without it the OTel API stays a no-op.
 * The distro is loaded on demand, so local runs and tests never pay for it. The component
 * refuses local auth (infra/app/monitoring.bicep), so the exporter signs in with the app's
 * managed identity named in APPLICATIONINSIGHTS_AUTHENTICATION_STRING. Only Sluice's own
 * telemetry is exported: the host already reports invocations, and tracing every storage call
 * (the distro's http and Azure SDK instrumentations) would multiply the ingestion bill.
 */
export function enableAzureMonitor(connection: AppInsightsConnection | undefined, log: Logger): Promise<boolean> {
  if (!connection) return Promise.resolve(false);
  // A failed import or a throwing setup lands in the catch: the promise never rejects.
  enabled ??= import('@azure/monitor-opentelemetry').then(({ useAzureMonitor }) => {
    useAzureMonitor({
      azureMonitorExporterOptions: {
        connectionString: connection.connectionString,
        ...(connection.entraId && { credential: new ManagedIdentityCredential(connection.clientId ? { clientId: connection.clientId } : {}) }),
      },
      instrumentationOptions: { http: { enabled: false }, azureSdk: { enabled: false } },
    });
    return true;
  }).catch((err: unknown) => {
    log.error('Application Insights telemetry could not start; batches run on without it', { error: err instanceof Error ? err.message : String(err) });
    return false;
  });
  return enabled;
}
