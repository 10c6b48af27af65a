import { startAzurite } from '#dev/azurite.js';
import { azuriteStorage } from '../support/backends.js';
import { commitBench } from './commit-bench.js';
import { e2eBench, e2eFlags } from './e2e-bench.js';
import { bodyBench } from './body-bench.js';
import { eventTimeBench } from './event-time-bench.js';
import { outageBench } from './outage-bench.js';
import { receiverBench } from './receiver-bench.js';
import { windowBench } from './window-bench.js';

/**
 * `npm run bench`: every figure is measured side by side in this one run, on this machine, with
 * Azurite in-process (a new Azurite per section, as Azurite slows as it fills). Azurite gives the
 * shape of the costs and the ratios, not cloud throughput.
 */
const print = (line: string) => console.log(line);
const quick = process.argv.includes('--quick');

async function section(run: (fresh: () => ReturnType<typeof azuriteStorage>) => Promise<void>): Promise<void> {
  const azurite = await startAzurite();
  try {
    await run(() => azuriteStorage(azurite));
  } finally {
    await azurite.close();
  }
  print('');
}

await section((fresh) => receiverBench(fresh, quick ? 1000 : 5000, 200, print));
await section((fresh) => receiverBench(fresh, quick ? 1000 : 5000, 100, print));
await section((fresh) => bodyBench(fresh, quick ? 2500 : 10_000, print));
await section((fresh) => commitBench(fresh, quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000], print));
await windowBench(print);
await eventTimeBench(print, { quick });
await e2eBench(print, e2eFlags(process.argv));
print('');
await outageBench(print, { quick });
