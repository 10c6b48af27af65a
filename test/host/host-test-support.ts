import { fileURLToPath } from 'node:url';

/** The fixture app folder (sources, package.json, host.json); its main points at the compiled dist. */
export const FIXTURE_APP_DIR = fileURLToPath(new URL('../../../test/fixtures/host-app/', import.meta.url));

/** Settings for tests that do not run the Event Hubs trigger: it would need a hub connection. */
export const NO_EVENT_HUBS = { 'AzureWebJobs.ingest.Disabled': 'true' } as const;

/** Collects host log lines so tests stay quiet and can assert on them. */
export function logCollector(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}
