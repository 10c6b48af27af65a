import { fileURLToPath } from 'node:url';

/** The fixture app folder (sources, package.json, host.json); its main points at the compiled dist. */
export const FIXTURE_APP_DIR = fileURLToPath(new URL('../../../test/fixtures/host-app/', import.meta.url));

/** Settings for tests that do not run the Event Hubs trigger: it would need a hub connection. */
export const NO_EVENT_HUBS = { 'AzureWebJobs.ingest.Disabled': 'true' } as const;

/** Polls `condition` until it holds; fails with `what` after `timeoutMs` (a bound, not a wait for luck). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Collects host log lines so tests stay quiet and can assert on them. */
export function logCollector(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}
