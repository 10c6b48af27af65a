import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import { loadConfig } from '#sluice/config/config.js';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { devHubConfig, startDevHub, type DevHub } from '#dev-hub/dev-hub.js';
import { produce, type ProduceManifest } from '#dev/producer.js';
import { mulberry32 } from '#dev/sample-events.js';
import { AppChild } from '../../e2e/support/app-child.js';
import { expireOwnerships, hubEnds, StreamOutputs } from '../../e2e/support/stream-outputs.js';
import { FaultProxy, type FaultRates } from '../../support/fault-proxy.js';
import { waitUntil, within } from '../../support/wait.js';

export interface ChaosPlan {
  stream: string;
  seed: number;
  count: number;
  rate: number;
  malformedEvery: number;
  /** Faults on every request through the proxy, the whole run long. */
  rates: FaultRates;
  /** SIGKILLs before the outage, and after it. */
  killsBefore: number;
  killsAfter: number;
  outageMs: number;
  /** Also put the host's own storage (durable history, trigger checkpoints) behind the proxy. */
  hostStorageBehindProxy: boolean;
  /** SLUICE_* settings for the app; retry budgets scaled down so the outage outlasts them. */
  settings: Readonly<Record<string, string>>;
  drainTimeoutMs: number;
  log: (line: string) => void;
}

export interface ChaosResult {
  manifest: ProduceManifest;
  kills: number;
  faults: FaultProxy['counts'];
  injected: number;
  /** Exits nobody asked for: the app crashed by itself. */
  unexpectedExits: string[];
  outputs: StreamOutputs;
  lastErrors: string;
}

/**
 * One chaos run: Azurite and the dev hub in this process, a seeded fault proxy in front of
 * Azurite, and the app in a child process whose storage goes through the proxy. While the
 * producer sends, the app is SIGKILLed at seeded moments and storage goes down for longer than
 * every retry budget; then the stream must drain by itself. Results are read from Azurite
 * directly, past the proxy, by `check`, before everything is torn down.
 */
export async function runChaos(plan: ChaosPlan, check: (result: ChaosResult) => Promise<void>): Promise<void> {
  const random = mulberry32(plan.seed);
  const azurite: Azurite = await startAzurite();
  const hub: DevHub = await startDevHub({ port: 0, config: devHubConfig([{ name: 'pageviews', partitions: 4 }]) });
  const proxy = await FaultProxy.start(azurite.connectionString, { seed: plan.seed, rates: plan.rates });
  const direct = azurite.connectionString;
  const outputs = new StreamOutputs(azureStreamStorage(loadConfig(plan.settings), storageClients({ kind: 'connectionString', connectionString: direct })), plan.stream);
  const settings: Record<string, string> = plan.hostStorageBehindProxy
    ? { ...plan.settings }
    : { ...plan.settings, SLUICE_STORAGE_CONNECTION: 'SluiceChaosStorage', SluiceChaosStorage: proxy.connectionString };
  const t0 = performance.now();
  const at = (): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  const unexpectedExits: string[] = [];
  let child: AppChild | undefined;
  let kills = 0;
  const start = async (): Promise<AppChild> => {
    const app = new AppChild({ storageConnectionString: plan.hostStorageBehindProxy ? proxy.connectionString : direct, eventHubConnectionString: hub.connectionString, settings });
    let killed = false;
    const kill = app.kill.bind(app);
    app.kill = async () => { killed = true; await kill(); };
    void app.exited.then((how) => { if (!killed) unexpectedExits.push(`pid ${app.process.pid} exited by itself (${String(how)}) at ${at()}:\n${app.errors.slice(-3000)}`); });
    await within(app.ready, 60_000, 'the app process to start');
    return app;
  };
  const killAfterAWhile = async (): Promise<void> => {
    // A seeded moment 1.5 to 4 s into the process's life: mid-invocation, mid-batch, or idle.
    await new Promise((r) => setTimeout(r, 1500 + Math.floor(random() * 2500)));
    await child!.kill();
    kills++;
    plan.log(`${at()}: SIGKILL #${kills}`);
    await expireOwnerships(direct);
    child = await start();
  };
  try {
    child = await start();
    const producing = produce({
      connectionString: hub.connectionString, eventHubName: 'pageviews', rate: plan.rate, count: plan.count, seed: plan.seed, malformedEvery: plan.malformedEvery,
    });
    for (let i = 0; i < plan.killsBefore; i++) await killAfterAWhile();
    plan.log(`${at()}: storage outage for ${plan.outageMs} ms`);
    await proxy.outage(plan.outageMs);
    plan.log(`${at()}: storage back`);
    for (let i = 0; i < plan.killsAfter; i++) await killAfterAWhile();
    const manifest = await within(producing, 120_000, 'the producer to finish');
    plan.log(`${at()}: producer done, ${manifest.sent} events`);
    const ends = hubEnds(hub, 'pageviews', 4);
    await waitUntil(() => outputs.drained(ends), 'the stream drained by itself: every partition read to its end and a batch committed it all', plan.drainTimeoutMs)
      .catch(async (err: Error) => { throw new Error(`${err.message}\n${await outputs.progress(ends)}\nfaults: ${JSON.stringify(proxy.counts)}\nunexpected exits: ${unexpectedExits.join('\n') || 'none'}\napp stderr (tail):\n${child?.errors.slice(-4000) ?? ''}`); });
    plan.log(`${at()}: drained; faults ${JSON.stringify(proxy.counts)}`);
    await check({ manifest, kills, faults: { ...proxy.counts }, injected: proxy.injected, unexpectedExits, outputs, lastErrors: child.errors });
  } finally {
    await child?.kill();
    await proxy.close();
    await hub.close();
    await azurite.close();
  }
}
