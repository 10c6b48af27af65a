import { checkSettingNames, settingsEnvironment } from '../config/config.js';
import type { StreamingJob } from '../dstream/streaming-context.js';
import type { ReceivedEvent } from '../receiver/received-event.js';
import { devOverridesFor } from './dev-overrides.js';
import type { StreamFunctionNames } from './function-names.js';
import { PartitionLag } from './partition-lag.js';
import { StreamReceivers } from './receivers.js';
import { createStreamContext, type StreamContext } from './stream-context.js';
import type { ResolvedSource } from './stream-sources.js';

interface Built {
  readonly generation: number;
  readonly context: StreamContext;
  readonly receivers: StreamReceivers;
  readonly lag: PartitionLag;
}

/**
 * One registered stream in this process: its names, its sources, and its state (context,
 * receivers, hub clients), built on first use so that registering touches no setting but the hub
 * names. Built again when a local stack changes the dev overrides (a test's second stack).
 */
export class StreamRuntime {
  private built: Built | undefined;

  constructor(
    readonly name: string,
    readonly job: StreamingJob,
    readonly sources: readonly ResolvedSource[],
    readonly functions: StreamFunctionNames,
    /** Every stream the app registers: settings naming another stream are an error, not ignored. */
    private readonly registered: () => readonly string[] = () => [name],
  ) {}

  context(): StreamContext {
    return this.current().context;
  }

  source(name: string): ResolvedSource {
    const source = this.sources.find((s) => s.source === name);
    if (!source) throw new Error(`stream "${this.name}" has no source "${name}"; it reads ${this.sources.map((s) => `"${s.source}"`).join(', ')}`);
    return source;
  }

  receive(source: string, partition: string, events: readonly ReceivedEvent[]): Promise<void> {
    return this.current().receivers.receive(this.source(source), partition, events);
  }

  lastEnqueued(source: string, partition: string): Promise<number | undefined> {
    return this.current().lag.lastEnqueued(source, partition);
  }

  /** Stores what unreliable receivers still buffer and closes hub clients; the next use builds afresh. */
  async flush(): Promise<void> {
    const built = this.built;
    this.built = undefined;
    if (!built) return;
    await Promise.all([built.receivers.flush(), built.lag.close()]);
  }

  private current(): Built {
    const { overrides, generation } = devOverridesFor(this.name);
    if (this.built?.generation === generation) return this.built;
    // Overrides changed: the previous run's receivers were flushed by its stack; start clean.
    if (this.built) void this.built.lag.close(); // settles, never rejects
    // Checked here, on first use, when the app has registered all its streams: a typo such as
    // Sluice__Streams__ordrs__BatchInterval would otherwise leave "orders" on its defaults in silence.
    const env = settingsEnvironment(); // read once: the app settings over local.settings.json
    checkSettingNames(this.registered(), env);
    const context = createStreamContext(this.name, this.job, overrides, env);
    this.built = { generation, context, receivers: new StreamReceivers(context), lag: new PartitionLag(this.sources, () => context.log) };
    return this.built;
  }
}
