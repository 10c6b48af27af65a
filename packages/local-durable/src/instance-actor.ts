import { randomUUID } from 'node:crypto';
import type { Clock } from 'sluice';
import type { Invoke } from '@sluice/local-host';
import { batchSize, decide, dropStale, isTerminal, needsStart, openWork, replayHistory, type Decision, type EpisodeWork, type Work, type WorkResult } from './episode-decision.js';
import { fromJsonText, type HistoryEvent } from './history-event.js';
import type { InboxEntry, InboxMessage, InstanceRecord, InstanceStore } from './instance-store.js';
import { readOrchestratorFailure, readOrchestratorState, type OrchestratorOutcome } from './orchestrator-result.js';
import type { TimerQueue } from './timer-queue.js';

export type { WorkResult } from './episode-decision.js';

/** An activity to run; its result comes back through InstanceActor.deliver. */
export interface ActivityWork {
  instanceId: string;
  executionId: string;
  eventId: number;
  name: string;
  /** JSON text. */
  input?: string;
}

export interface ActorDeps {
  store: InstanceStore;
  clock: Clock;
  timers: TimerQueue;
  invoke: Invoke;
  runActivity(work: ActivityWork, actor: InstanceActor): void;
  committed(actor: InstanceActor): void;
  onError(error: unknown): void;
}

/** Keeps far timers from being split: this runtime's timers have no length limit. */
const TRIGGER_TIMER_SETTINGS = {
  longRunningTimerIntervalDuration: '3.00:00:00',
  maximumShortTimerDuration: '36500.00:00:00',
  defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
};

/**
 * One orchestration instance: queues its messages and runs episodes one at a time, committing
 * each to the store before acting on it (activities and timers start only after the commit).
 */
export class InstanceActor {
  private queue: Work[] = [];
  private running: Promise<void> | undefined;
  private inboxWrites: Promise<unknown> = Promise.resolve();
  private nextInboxSeq: number;
  private stopped = false;
  /** Consecutive failed episodes: the retry waits 1 s, doubling up to 30 s. */
  private failures = 0;
  private readonly retryWait = new AbortController();

  constructor(
    private readonly deps: ActorDeps,
    private recordValue: InstanceRecord,
    private historyValue: HistoryEvent[],
    inbox: InboxEntry[] = [],
  ) {
    this.nextInboxSeq = Math.max(recordValue.inboxConsumed, ...inbox.map((e) => e.seq)) + 1;
    this.queue = inbox.map((entry) => ({ kind: 'inbox', entry }));
  }

  get record(): InstanceRecord {
    return this.recordValue;
  }

  get history(): readonly HistoryEvent[] {
    return this.historyValue;
  }

  get isTerminal(): boolean {
    return isTerminal(this.recordValue);
  }

  /** Restarts the work a previous process left open: activities without results, unfired timers. */
  resume(): void {
    const { scheduled, timers } = openWork(this.historyValue);
    for (const event of scheduled.values()) this.dispatch(event);
    for (const event of timers.values()) this.arm(event);
    this.schedule();
  }

  /** Stores a client message durably, then queues it. Writes are serialised to keep seq order. */
  async send(message: InboxMessage): Promise<void> {
    const entry: InboxEntry = { seq: this.nextInboxSeq++, message };
    const write = this.inboxWrites.then(() => this.deps.store.appendInbox(this.recordValue.instanceId, entry));
    this.inboxWrites = write.catch(() => undefined);
    await write;
    this.queue.push({ kind: 'inbox', entry });
    this.schedule();
  }

  deliver(result: WorkResult): void {
    if (this.stopped || result.executionId !== this.recordValue.executionId) return;
    this.queue.push(result);
    this.schedule();
  }

  /** Waits for the episode in progress; later messages are ignored. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.retryWait.abort();
    await this.running;
  }

  private schedule(): void {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      // Yield first, so the finally below never runs before this.running is assigned.
      await Promise.resolve();
      let failed = false;
      try {
        while (!this.stopped && (this.queue.length > 0 || this.needsStart())) {
          await this.step();
          this.failures = 0;
        }
      } catch (error) {
        failed = true;
        this.deps.onError(new Error(`durable instance ${this.recordValue.instanceId}: ${(error as Error).message}`, { cause: error }));
      } finally {
        this.running = undefined;
      }
      if (failed) this.retryLater();
    })();
  }

  /**
   * An episode that failed (its storage was down, say) is tried again, as the Durable Task
   * Framework does: its orchestration dispatcher abandons a work item whose processing threw
   * (AbortWorkItem = AbandonTaskOrchestrationWorkItemAsync) and takes it up again after
   * GetDelayInSecondsAfterOnProcessException (Azure/durabletask, src/DurableTask.Core). Without
   * this, one failed commit would leave the instance idle until some new message arrived. The
   * episode's work went back to the queue; the stored state is read again first, since a commit
   * that failed may still have been written.
   */
  private retryLater(): void {
    if (this.stopped) return;
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.failures++, 5));
    void this.deps.clock.sleepUntil(this.deps.clock.now() + delay, this.retryWait.signal)
      .then(() => (this.stopped ? undefined : this.resync()))
      .then(() => this.schedule(), (error: unknown) => {
        this.deps.onError(new Error(`durable instance ${this.recordValue.instanceId}: ${(error as Error).message}`, { cause: error }));
        this.retryLater();
      });
  }

  /** Adopts the stored record and history when they differ from this actor's (a commit that failed after writing). */
  private async resync(): Promise<void> {
    const loaded = await this.deps.store.load(this.recordValue.instanceId);
    if (!loaded || JSON.stringify(loaded.record) === JSON.stringify(this.recordValue)) return;
    this.recordValue = loaded.record;
    this.historyValue = loaded.history;
  }

  private needsStart(): boolean {
    return needsStart(this.state);
  }

  /**
   * One episode: take work from the queue, replay when needed (the one effect before the commit,
   * it only reads), let decide() say what happens, commit that, then apply its effects.
   */
  private async step(): Promise<void> {
    const now = this.deps.clock.now();
    const state = this.state;
    this.queue = dropStale(this.queue, state);
    const terminate = this.queue.some((p) => p.kind === 'inbox' && p.entry.message.kind === 'terminate');
    let work: EpisodeWork;
    let taken: Work[];
    if (this.isTerminal || terminate) {
      taken = this.queue;
      work = { kind: 'finish', pending: taken, now };
      this.queue = [];
    } else {
      if (this.queue.length === 0 && !this.needsStart()) return;
      taken = this.queue.splice(0, batchSize(this.queue, state));
      const outcome = await this.replay(replayHistory(state, taken, now), state.record);
      work = { kind: 'episode', batch: taken, now, outcome, nextExecutionId: randomUUID() };
    }
    const decision = decide(state, work);
    try {
      if (decision) await this.commit(decision);
    } catch (error) {
      // Nothing was applied: the work goes back to the front of the queue for the retry.
      this.queue.unshift(...taken);
      throw error;
    }
  }

  private get state(): { record: InstanceRecord; history: readonly HistoryEvent[] } {
    return { record: this.recordValue, history: this.historyValue };
  }

  private async commit(decision: Decision): Promise<void> {
    await this.deps.store.commit(decision.write);
    this.recordValue = decision.write.record;
    this.historyValue = decision.history;
    if (decision.newExecution) this.queue = this.queue.filter((p) => p.kind === 'inbox');
    for (const effect of decision.effects) {
      switch (effect.kind) {
        case 'runActivity':
          this.dispatch(effect.event);
          break;
        case 'armTimer':
          this.arm(effect.event);
          break;
        case 'cancelTimer':
          this.deps.timers.cancel(timerKey(this.recordValue.instanceId, effect.executionId, effect.eventId));
          break;
        case 'cancelTimers':
          this.deps.timers.cancelPrefix(timerPrefix(this.recordValue.instanceId, effect.executionId));
          break;
      }
    }
    this.deps.committed(this);
  }

  /** Runs one episode with a fresh copy of the history (the library rewrites Timestamps in place). */
  private async replay(history: HistoryEvent[], record: InstanceRecord): Promise<OrchestratorOutcome> {
    const triggerValue = {
      history: history.map((e) => ({ ...e })),
      input: fromJsonText(record.input),
      instanceId: record.instanceId,
      isReplaying: this.historyValue.length > 0,
      parentInstanceId: undefined,
      upperSchemaVersion: 2,
      upperSchemaVersionNew: 3,
      ...TRIGGER_TIMER_SETTINGS,
    };
    try {
      const returned = await this.deps.invoke(record.name, { triggerValue, triggerMetadata: { instanceId: record.instanceId } });
      return readOrchestratorState(returned);
    } catch (error) {
      return readOrchestratorFailure(error);
    }
  }

  private dispatch(event: HistoryEvent): void {
    const work: ActivityWork = { instanceId: this.recordValue.instanceId, executionId: this.recordValue.executionId, eventId: event.EventId, name: event.Name ?? '' };
    if (event.Input !== undefined) work.input = event.Input;
    this.deps.runActivity(work, this);
  }

  private arm(event: HistoryEvent): void {
    const { instanceId, executionId } = this.recordValue;
    const fireAt = event.FireAt ?? new Date(0).toISOString();
    this.deps.timers.add(Date.parse(fireAt), timerKey(instanceId, executionId, event.EventId), () => this.deliver({ kind: 'timer', executionId, eventId: event.EventId, fireAt }));
  }
}

const timerPrefix = (instanceId: string, executionId: string): string => `${instanceId}|${executionId}|`;
const timerKey = (instanceId: string, executionId: string, eventId: number): string => `${timerPrefix(instanceId, executionId)}${eventId}`;
