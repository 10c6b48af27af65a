import { median } from './spread.js';

/**
 * List prices, as docs/deploy.md ("What it costs") states them: hot LRS blob writes $0.05 per
 * 10,000; table transactions $0.00036 per 10,000; Flex Consumption $0.40 per million executions
 * and $0.000026 per GB-s. Blob reads are not in that list, so they are counted and not priced.
 */
const BLOB_WRITE = 0.05 / 10_000;
const TABLE_TRANSACTION = 0.00036 / 10_000;
const EXECUTION = 0.4 / 1_000_000;
const GB_SECOND = 0.000026;
/** Flex Consumption's default instance memory. */
export const INSTANCE_GB = 2;

export interface CostLine {
  item: string;
  quantity: string;
  dollars?: number;
}

const whole = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Cost per million events from what the runs counted: `counts` holds, per run, Azurite's requests
 * (`<service> <verb> <container or table>`) and the app's executions (`executions <function>`)
 * over the drain of `events` events. Each count is the median over runs, scaled to a million
 * events. Compute is priced as instance-seconds at the measured CPU per event, assuming instances
 * kept busy: a partly idle instance costs more.
 */
export function costPerMillion(counts: readonly Record<string, number>[], events: number, cpuMsPerEvent: number): CostLine[] {
  const keys = [...new Set(counts.flatMap((c) => Object.keys(c)))].sort();
  const lines: CostLine[] = [];
  for (const key of keys) {
    const n = (median(counts.map((c) => c[key] ?? 0)) / events) * 1_000_000;
    const [service, verb] = key.split(' ');
    let price: number | undefined;
    if (service === 'executions') price = EXECUTION;
    else if (service === 'table') price = TABLE_TRANSACTION;
    else if (service === 'blob' && verb === 'PUT') price = BLOB_WRITE;
    lines.push({ item: key, quantity: whole(n), ...(price !== undefined && { dollars: n * price }) });
  }
  const instanceSeconds = cpuMsPerEvent * 1000;
  lines.push({
    item: `instance-seconds at ${cpuMsPerEvent.toFixed(4)} ms CPU per event, ${INSTANCE_GB} GB instances`,
    quantity: `${instanceSeconds.toFixed(1)} s = ${(instanceSeconds * INSTANCE_GB).toFixed(1)} GB-s`,
    dollars: instanceSeconds * INSTANCE_GB * GB_SECOND,
  });
  return lines;
}
