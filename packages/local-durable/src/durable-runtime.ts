import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from 'sluice';
import { ActivityPool } from './activity-pool.js';
import { buildClientBinding, WEBHOOK_PREFIX } from './client-binding.js';
import { DurableApiError } from './durable-api-error.js';
import { toJsonText, type FailureDetails, type HistoryEvent } from './history-event.js';
import type { DurableAttachment, DurableClientBinding, DurableRuntimeHost, RegisteredFunction } from '@sluice/local-host';
import { InstanceActor, type ActivityWork, type ActorDeps } from './instance-actor.js';
import { toStatus, type DurableInstanceStatus, type StatusOptions } from './instance-status.js';
import { InstanceStore, TERMINAL_STATUSES, type InstanceRecord } from './instance-store.js';
import { TimerQueue } from './timer-queue.js';
import { createWebhookHandler, type InstanceFilter, type WebhookBackend } from './webhook-api.js';

export interface DurableRuntimeOptions {
  /** Storage account for the instance and history table (Azurite locally). */
  connectionString: string;
  /** Task hub name; the table is `${taskHub}Instances`. Default TestHubName, as the extension uses locally. */
  taskHub?: string;
  /** Source of all time: episode timestamps, timers, retry delays. Default: system clock. */
  clock?: Clock;
  /** Activities running at once across all instances. Default 10. */
  maxConcurrentActivities?: number;
  /** Where failures outside any request go (a storage error during an episode). Default console.error. */
  onError?: (error: unknown) => void;
}

export type WaitPredicate = (status: DurableInstanceStatus, history: readonly HistoryEvent[]) => boolean;

export interface DurableRuntime extends WebhookBackend {
  readonly taskHub: string;
  /** Connects to the host: mounts the webhook API, resumes unfinished instances. */
  attach(host: DurableRuntimeHost): Promise<DurableAttachment>;
  /** The durableClient input value; available after attach. */
  clientBinding(): DurableClientBinding;
  startNew(name: string, instanceId?: string, input?: unknown): Promise<string>;
  getStatus(instanceId: string, options?: StatusOptions): Promise<DurableInstanceStatus | undefined>;
  listInstances(filter?: InstanceFilter): Promise<DurableInstanceStatus[]>;
  terminate(instanceId: string, reason: string): Promise<void>;
  raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void>;
  /** Deletes a finished instance and its history; 0 when it does not exist. */
  purge(instanceId: string): Promise<number>;
  purgeBy(filter: InstanceFilter): Promise<number>;
  /** Resolves once predicate holds after a commit (checked at once too); rejects after timeoutMs. */
  waitFor(instanceId: string, predicate: WaitPredicate, timeoutMs: number): Promise<DurableInstanceStatus>;
  /** Events in the current execution's history. */
  historyLength(instanceId: string): Promise<number>;
  getHistory(instanceId: string): Promise<readonly HistoryEvent[]>;
  stop(): Promise<void>;
}

interface Waiter {
  check(actor: InstanceActor): void;
  fail(error: Error): void;
}

const TASK_HUB = /^[A-Za-z][A-Za-z0-9]{2,44}$/;
const BAD_INSTANCE_ID = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

export function createDurableRuntime(options: DurableRuntimeOptions): DurableRuntime {
  const taskHub = options.taskHub ?? 'TestHubName';
  if (!TASK_HUB.test(taskHub)) throw new Error(`task hub name "${taskHub}" must be 3 to 45 letters and digits, starting with a letter`);
  return new LocalDurableRuntime(options, taskHub);
}

class LocalDurableRuntime implements DurableRuntime {
  private readonly clock: Clock;
  private readonly timers: TimerQueue;
  private readonly pool: ActivityPool;
  private readonly onError: (error: unknown) => void;
  private readonly storeReady: Promise<InstanceStore>;
  private readonly actors = new Map<string, Promise<InstanceActor | undefined>>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly creating = new Set<string>();
  private host: DurableRuntimeHost | undefined;
  private binding: DurableClientBinding | undefined;
  private stopped = false;

  constructor(
    options: DurableRuntimeOptions,
    readonly taskHub: string,
  ) {
    this.clock = options.clock ?? systemClock;
    this.timers = new TimerQueue(this.clock);
    this.pool = new ActivityPool(options.maxConcurrentActivities ?? 10);
    this.onError = options.onError ?? ((error) => console.error(error));
    this.storeReady = Promise.resolve().then(() => (this.storeValue = InstanceStore.open(options.connectionString, taskHub)));
    // Surface a bad connection string on first use, not as an unhandled rejection.
    this.storeReady.catch(() => undefined);
  }

  async attach(host: DurableRuntimeHost): Promise<DurableAttachment> {
    if (this.host) throw new Error('the durable runtime is already attached to a host');
    this.host = host;
    this.binding = buildClientBinding(host.baseUrl, this.taskHub);
    await host.mount(WEBHOOK_PREFIX, createWebhookHandler(this, () => this.clientBinding()));
    const store = await this.storeReady;
    for (const record of await store.listRecords()) {
      if (!TERMINAL_STATUSES.includes(record.status)) (await this.actorFor(record.instanceId))?.resume();
    }
    return { clientBinding: () => this.clientBinding(), stop: () => this.stop() };
  }

  clientBinding(): DurableClientBinding {
    if (!this.binding) throw new Error('the durable runtime has no client binding before attach()');
    return this.binding;
  }

  async startNew(name: string, instanceId?: string, input?: unknown): Promise<string> {
    const host = this.requireHost();
    const fn = findFunction(host.functions, name, 'orchestrationTrigger');
    if (!fn) throw new DurableApiError(400, `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    const id = instanceId ?? randomUUID().replace(/-/g, '');
    if (id.length === 0 || id.length > 256 || BAD_INSTANCE_ID.test(id)) {
      throw new DurableApiError(400, `instance id "${id}" must be 1 to 256 characters without / \\ # ? or control characters`);
    }
    if (this.creating.has(id)) throw new DurableApiError(409, `An Orchestration instance with the ID '${id}' is being created.`);
    this.creating.add(id);
    try {
      const store = await this.storeReady;
      const existing = await this.actorFor(id);
      if (existing && !existing.isTerminal) {
        throw new DurableApiError(409, `An Orchestration instance with the status ${existing.record.status} already exists.`);
      }
      if (existing) {
        await existing.stop();
        await store.purge(id);
      }
      const now = this.clock.now();
      const record: InstanceRecord = {
        instanceId: id,
        name: fn.name,
        executionId: randomUUID(),
        status: 'Pending',
        createdTime: now,
        lastUpdatedTime: now,
        nextEventId: 0,
        actionCount: 0,
        historyRows: 0,
        inboxConsumed: 0,
      };
      const encoded = toJsonText(input);
      if (encoded !== undefined) record.input = encoded;
      await store.create(record);
      const actor = new InstanceActor(this.actorDeps(), record, []);
      this.actors.set(id, Promise.resolve(actor));
      actor.resume();
      return id;
    } finally {
      this.creating.delete(id);
    }
  }

  async getStatus(instanceId: string, options: StatusOptions = {}): Promise<DurableInstanceStatus | undefined> {
    const actor = await this.actorFor(instanceId);
    return actor ? toStatus(actor.record, actor.history, options) : undefined;
  }

  async listInstances(filter: InstanceFilter = {}): Promise<DurableInstanceStatus[]> {
    const store = await this.storeReady;
    const records = await store.listRecords();
    const out: DurableInstanceStatus[] = [];
    for (const stored of records) {
      const cached = this.actors.has(stored.instanceId) ? (await this.actors.get(stored.instanceId))?.record : undefined;
      const record = cached ?? stored;
      if (matches(record, filter)) out.push(toStatus(record, undefined, filter.showInput === false ? { showInput: false } : {}));
    }
    return out;
  }

  async terminate(instanceId: string, reason: string): Promise<void> {
    const actor = await this.liveActor(instanceId);
    await actor.send({ kind: 'terminate', reason });
  }

  async raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void> {
    if (!eventName) throw new DurableApiError(400, 'eventName must be a valid string.');
    const actor = await this.liveActor(instanceId);
    const input = toJsonText(data);
    await actor.send(input === undefined ? { kind: 'event', name: eventName } : { kind: 'event', name: eventName, input });
  }

  async purge(instanceId: string): Promise<number> {
    const actor = await this.actorFor(instanceId);
    if (!actor) return 0;
    if (!actor.isTerminal) {
      throw new DurableApiError(412, `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${actor.record.status}`);
    }
    await actor.stop();
    this.actors.delete(instanceId);
    await (await this.storeReady).purge(instanceId);
    return 1;
  }

  async purgeBy(filter: InstanceFilter): Promise<number> {
    const finished = (await this.listInstances(filter)).filter((s) => TERMINAL_STATUSES.includes(s.runtimeStatus));
    let deleted = 0;
    for (const status of finished) deleted += await this.purge(status.instanceId);
    return deleted;
  }

  async waitFor(instanceId: string, predicate: WaitPredicate, timeoutMs: number): Promise<DurableInstanceStatus> {
    const actor = await this.actorFor(instanceId);
    if (!actor) throw new DurableApiError(404, `No instance with ID '${instanceId}' found.`);
    return new Promise<DurableInstanceStatus>((resolve, reject) => {
      let last = toStatus(actor.record, actor.history);
      const set = this.waiters.get(instanceId) ?? new Set<Waiter>();
      this.waiters.set(instanceId, set);
      const finish = (): void => {
        clearTimeout(timer);
        set.delete(waiter);
        if (set.size === 0) this.waiters.delete(instanceId);
      };
      const waiter: Waiter = {
        check: (current) => {
          last = toStatus(current.record, current.history);
          let ok: boolean;
          try {
            ok = predicate(last, current.history);
          } catch (error) {
            finish();
            reject(error as Error);
            return;
          }
          if (ok) {
            finish();
            resolve(last);
          }
        },
        fail: (error) => {
          finish();
          reject(error);
        },
      };
      const timer = setTimeout(() => waiter.fail(new Error(`instance ${instanceId}: condition not met within ${timeoutMs} ms; last status ${JSON.stringify(last)} with ${actor.history.length} history events`)), timeoutMs);
      set.add(waiter);
      waiter.check(actor);
    });
  }

  async historyLength(instanceId: string): Promise<number> {
    return (await this.getHistory(instanceId)).length;
  }

  async getHistory(instanceId: string): Promise<readonly HistoryEvent[]> {
    const actor = await this.actorFor(instanceId);
    if (!actor) throw new DurableApiError(404, `No instance with ID '${instanceId}' found.`);
    return actor.history;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.timers.stop();
    const actors = await Promise.all([...this.actors.values()].map((p) => p.catch(() => undefined)));
    await Promise.all(actors.map((a) => a?.stop()));
    for (const set of this.waiters.values()) for (const waiter of [...set]) waiter.fail(new Error('the durable runtime stopped'));
  }

  private requireHost(): DurableRuntimeHost {
    if (this.stopped) throw new Error('the durable runtime is stopped');
    if (!this.host) throw new Error('the durable runtime is not attached to a host; call attach() first');
    return this.host;
  }

  private async liveActor(instanceId: string): Promise<InstanceActor> {
    this.requireHost();
    const actor = await this.actorFor(instanceId);
    if (!actor) throw new DurableApiError(404, `No instance with ID '${instanceId}' found.`);
    if (actor.isTerminal) throw new DurableApiError(410, `The instance '${instanceId}' has already ${actor.record.status.toLowerCase()}.`);
    return actor;
  }

  /** Loads an instance once; every later operation shares the cached actor. */
  private actorFor(instanceId: string): Promise<InstanceActor | undefined> {
    let actor = this.actors.get(instanceId);
    if (!actor) {
      actor = this.storeReady.then(async (store) => {
        const loaded = await store.load(instanceId);
        return loaded ? new InstanceActor(this.actorDeps(), loaded.record, loaded.history, loaded.inbox) : undefined;
      });
      this.actors.set(instanceId, actor);
      actor.then(
        (found) => found === undefined && this.actors.get(instanceId) === actor && this.actors.delete(instanceId),
        () => this.actors.delete(instanceId),
      );
    }
    return actor;
  }

  private deps: ActorDeps | undefined;
  private actorDeps(): ActorDeps {
    const host = this.requireHost();
    const store = this.storeSync();
    this.deps ??= {
      store,
      clock: this.clock,
      timers: this.timers,
      invoke: host.invoke,
      runActivity: (work, actor) => this.runActivity(work, actor),
      committed: (actor) => {
        for (const waiter of [...(this.waiters.get(actor.record.instanceId) ?? [])]) waiter.check(actor);
      },
      onError: this.onError,
    };
    return this.deps;
  }

  private storeValue: InstanceStore | undefined;
  private storeSync(): InstanceStore {
    if (!this.storeValue) throw new Error('the instance store is not open yet');
    return this.storeValue;
  }

  private runActivity(work: ActivityWork, actor: InstanceActor): void {
    const host = this.requireHost();
    void this.pool.run(async () => {
      if (this.stopped) return;
      const fn = findFunction(host.functions, work.name, 'activityTrigger');
      if (!fn) {
        actor.deliver({ kind: 'failed', executionId: work.executionId, eventId: work.eventId, failure: notFound(work.name) });
        return;
      }
      try {
        const triggerValue = work.input === undefined ? undefined : (JSON.parse(work.input) as unknown);
        const result = await host.invoke(fn.name, { triggerValue, triggerMetadata: { instanceId: work.instanceId } });
        if (this.stopped) return;
        const encoded = toJsonText(result);
        actor.deliver(encoded === undefined
          ? { kind: 'completed', executionId: work.executionId, eventId: work.eventId }
          : { kind: 'completed', executionId: work.executionId, eventId: work.eventId, result: encoded });
      } catch (error) {
        if (!this.stopped) actor.deliver({ kind: 'failed', executionId: work.executionId, eventId: work.eventId, failure: toFailure(error) });
      }
    });
  }
}

function findFunction(functions: readonly RegisteredFunction[], name: string, type: string): RegisteredFunction | undefined {
  const lower = name.toLowerCase();
  return functions.find((f) => f.trigger.type === type && f.name.toLowerCase() === lower);
}

function matches(record: InstanceRecord, filter: InstanceFilter): boolean {
  if (filter.runtimeStatus && filter.runtimeStatus.length > 0 && !filter.runtimeStatus.includes(record.status)) return false;
  if (filter.createdTimeFrom !== undefined && record.createdTime < filter.createdTimeFrom) return false;
  if (filter.createdTimeTo !== undefined && record.createdTime > filter.createdTimeTo) return false;
  if (filter.instanceIdPrefix !== undefined && !record.instanceId.startsWith(filter.instanceIdPrefix)) return false;
  return true;
}

function toFailure(error: unknown): FailureDetails {
  if (error instanceof Error) {
    const failure: FailureDetails = { ErrorType: error.name || 'Error', ErrorMessage: error.message };
    if (error.stack) failure.StackTrace = error.stack;
    return failure;
  }
  return { ErrorType: 'Error', ErrorMessage: typeof error === 'string' ? error : JSON.stringify(error) };
}

function notFound(name: string): FailureDetails {
  return { ErrorType: 'FunctionNotFound', ErrorMessage: `The function '${name}' doesn't exist, is disabled, or is not an activity function.` };
}
