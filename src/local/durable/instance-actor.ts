import { randomUUID } from 'node:crypto';
import type { Clock } from '../../util/clock.js';
import type { Invoke } from './host-contract.js';
import { EventType, fromJsonText, historyEvent, toJsonText, type FailureDetails, type HistoryEvent } from './history-event.js';
import { packHistoryRows, TERMINAL_STATUSES, type InboxEntry, type InboxMessage, type InstanceRecord, type InstanceStore } from './instance-store.js';
import {
  ActionType,
  consumesEventId,
  decodeActionInput,
  readOrchestratorFailure,
  readOrchestratorState,
  type OrchestratorAction,
  type OrchestratorOutcome,
} from './orchestrator-result.js';
import { readRetryPolicy, retryDelayMs } from './retry-delay.js';
import type { TimerQueue } from './timer-queue.js';

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

/** Results of activities and timers for one execution; lost on a crash and recreated from history. */
export type WorkResult =
  | { kind: 'completed'; executionId: string; eventId: number; result?: string }
  | { kind: 'failed'; executionId: string; eventId: number; failure: FailureDetails }
  | { kind: 'timer'; executionId: string; eventId: number; fireAt: string };

type Pending = { kind: 'inbox'; entry: InboxEntry } | WorkResult;

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
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private inboxWrites: Promise<unknown> = Promise.resolve();
  private nextInboxSeq: number;
  private stopped = false;

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
    return TERMINAL_STATUSES.includes(this.recordValue.status);
  }

  /** Restarts the work a previous process left open: activities without results, unfired timers. */
  resume(): void {
    const { scheduled, timers } = this.openWork();
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
    await this.running;
  }

  private schedule(): void {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      // Yield first, so the finally below never runs before this.running is assigned.
      await Promise.resolve();
      try {
        while (!this.stopped && (this.queue.length > 0 || this.needsStart())) await this.step();
      } catch (error) {
        this.deps.onError(new Error(`durable instance ${this.recordValue.instanceId}: ${(error as Error).message}`, { cause: error }));
      } finally {
        this.running = undefined;
      }
    })();
  }

  private needsStart(): boolean {
    return !this.isTerminal && this.historyValue.length === 0;
  }

  private async step(): Promise<void> {
    const now = this.deps.clock.now();
    const record = { ...this.recordValue };
    this.dropStale();
    const terminate = this.queue.find((p) => p.kind === 'inbox' && p.entry.message.kind === 'terminate');
    if (this.isTerminal || terminate) {
      await this.finishWithoutReplay(record, now, terminate);
      return;
    }
    if (this.queue.length === 0 && !this.needsStart()) return;

    const batch = this.takeBatch();
    const starting = this.needsStart();
    const fresh: HistoryEvent[] = [historyEvent(EventType.OrchestratorStarted, now)];
    if (starting) fresh.push(historyEvent(EventType.ExecutionStarted, now, { Name: record.name, Input: record.input }));
    for (const pending of batch) fresh.push(this.toEvent(pending, now));

    // Retry bookkeeping first: the library numbers it before any action this episode adds.
    const { scheduled, timers } = this.openWork();
    const appended: HistoryEvent[] = [];
    const first = batch[0];
    if (first && first.kind === 'failed' && scheduled.get(first.eventId)?.Retry) {
      const mark = scheduled.get(first.eventId)!.Retry!;
      appended.push(historyEvent(EventType.TimerCreated, now, {
        EventId: record.nextEventId++,
        FireAt: new Date(now + retryDelayMs(mark.policy, mark.attempt)).toISOString(),
        Retry: mark,
      }));
    } else if (first && first.kind === 'timer' && timers.get(first.eventId)?.Retry) {
      const mark = timers.get(first.eventId)!.Retry!;
      if (mark.attempt < mark.policy.maxNumberOfAttempts) {
        appended.push(historyEvent(EventType.TaskScheduled, now, {
          EventId: record.nextEventId++,
          Name: mark.name,
          Input: mark.input,
          Retry: { ...mark, attempt: mark.attempt + 1 },
        }));
      }
    }

    const consumed = batch.flatMap((p) => (p.kind === 'inbox' ? [p.entry.seq] : []));
    if (consumed.length > 0) record.inboxConsumed = Math.max(record.inboxConsumed, ...consumed);
    if (starting) record.status = 'Running';
    record.lastUpdatedTime = now;

    const outcome = await this.replay([...this.historyValue, ...fresh], record);
    let problem = outcome.kind === 'failed' ? outcome.message : undefined;
    let nextExecution: { input?: string } | undefined;
    if (outcome.customStatus !== undefined) record.customStatus = toJsonText(outcome.customStatus);
    if (outcome.kind === 'state') {
      problem = this.checkDeterminism(outcome.actions);
      const added = outcome.actions.slice(record.actionCount);
      for (const [offset, action] of added.entries()) {
        if (problem) break;
        const index = record.actionCount + offset;
        if (action.actionType === ActionType.ContinueAsNew) {
          nextExecution = { input: toJsonText(decodeActionInput(action.input)) };
          break;
        }
        const event = consumesEventId(action) ? this.scheduleEvent(action, index, record.nextEventId, now) : undefined;
        if (typeof event === 'string') problem = event;
        else if (event) {
          appended.push(event);
          record.nextEventId++;
        }
      }
      record.actionCount = outcome.actions.length;
      this.cancelTimers(outcome.actions, timers);
    }
    appended.push(historyEvent(EventType.OrchestratorCompleted, now));

    if (problem !== undefined) {
      record.status = 'Failed';
      record.output = JSON.stringify(`Orchestrator function '${record.name}' failed: ${problem}`);
      appended.push(historyEvent(EventType.ExecutionFailed, now, { Reason: problem }));
    } else if (nextExecution) {
      await this.commitNewExecution(record, nextExecution.input, consumed, now);
      return;
    } else if (outcome.kind === 'state' && outcome.isDone) {
      record.status = 'Completed';
      record.output = toJsonText(outcome.output);
      appended.push(historyEvent(EventType.ExecutionCompleted, now, { Result: record.output }));
    }

    // Stored as played: every later episode replays them.
    const events = [...fresh, ...appended].map((e) => ({ ...e, IsPlayed: true }));
    const rows = packHistoryRows(events);
    record.historyRows += rows.length;
    await this.deps.store.commit({ record, rows, staleRows: [], consumedInbox: consumed });
    this.recordValue = record;
    this.historyValue = [...this.historyValue, ...events];
    if (this.isTerminal) this.deps.timers.cancelPrefix(this.timerPrefix());
    else {
      for (const event of appended) {
        if (event.EventType === EventType.TaskScheduled) this.dispatch(event);
        if (event.EventType === EventType.TimerCreated && !this.isCanceledTimer(event, outcome)) this.arm(event);
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

  /** Takes the queue head plus what follows, stopping before a second retry-relevant result. */
  private takeBatch(): Pending[] {
    const { scheduled, timers } = this.openWork();
    const relevant = (p: Pending) =>
      (p.kind === 'failed' && scheduled.get(p.eventId)?.Retry !== undefined) || (p.kind === 'timer' && timers.get(p.eventId)?.Retry !== undefined);
    let count = 0;
    while (count < this.queue.length && (count === 0 || !relevant(this.queue[count]!))) count++;
    // A fresh execution's ExecutionStarted goes first, so a retry-relevant head waits a turn.
    if (this.needsStart() && count > 0 && relevant(this.queue[0]!)) count = 0;
    return this.queue.splice(0, count);
  }

  /** Drops results for tasks no longer open (another execution, already recorded, or duplicates). */
  private dropStale(): void {
    const { scheduled, timers } = this.openWork();
    const seen = new Set<string>();
    this.queue = this.queue.filter((p) => {
      if (p.kind === 'inbox') return true;
      const key = `${p.kind === 'timer' ? 'timer' : 'task'}:${p.eventId}`;
      if (p.executionId !== this.recordValue.executionId || seen.has(key)) return false;
      seen.add(key);
      return p.kind === 'timer' ? timers.has(p.eventId) : scheduled.has(p.eventId);
    });
  }

  /** Scheduled activities and timers that have no result in the history yet, by EventId. */
  private openWork(): { scheduled: Map<number, HistoryEvent>; timers: Map<number, HistoryEvent> } {
    const scheduled = new Map<number, HistoryEvent>();
    const timers = new Map<number, HistoryEvent>();
    for (const event of this.historyValue) {
      if (event.EventType === EventType.TaskScheduled) scheduled.set(event.EventId, event);
      else if (event.EventType === EventType.TimerCreated) timers.set(event.EventId, event);
      else if (event.EventType === EventType.TaskCompleted || event.EventType === EventType.TaskFailed) scheduled.delete(event.TaskScheduledId ?? -1);
      else if (event.EventType === EventType.TimerFired) timers.delete(event.TimerId ?? -1);
    }
    return { scheduled, timers };
  }

  private toEvent(pending: Pending, now: number): HistoryEvent {
    switch (pending.kind) {
      case 'inbox': {
        const message = pending.entry.message;
        if (message.kind !== 'event') throw new Error(`unexpected ${message.kind} message in an episode`);
        return historyEvent(EventType.EventRaised, now, { Name: message.name, Input: message.input });
      }
      case 'completed':
        return historyEvent(EventType.TaskCompleted, now, { TaskScheduledId: pending.eventId, Result: pending.result ?? 'null' });
      case 'failed':
        return historyEvent(EventType.TaskFailed, now, {
          TaskScheduledId: pending.eventId,
          Reason: pending.failure.ErrorMessage,
          Details: pending.failure.StackTrace ?? '',
          FailureDetails: pending.failure,
        });
      case 'timer':
        return historyEvent(EventType.TimerFired, now, { TimerId: pending.eventId, FireAt: pending.fireAt });
    }
  }

  /** The history event for a new action, or an error text for actions this runtime cannot run. */
  private scheduleEvent(action: OrchestratorAction, index: number, eventId: number, now: number): HistoryEvent | string {
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry: {
        const name = action.functionName ?? '';
        const input = toJsonText(decodeActionInput(action.input));
        const event = historyEvent(EventType.TaskScheduled, now, { EventId: eventId, Name: name, Input: input, ActionIndex: index });
        if (action.actionType === ActionType.CallActivityWithRetry) {
          try {
            event.Retry = { policy: readRetryPolicy(action.retryOptions), attempt: 1, name, ...(input === undefined ? {} : { input }) };
          } catch (error) {
            return (error as Error).message;
          }
        }
        return event;
      }
      case ActionType.CreateTimer:
        return historyEvent(EventType.TimerCreated, now, { EventId: eventId, FireAt: action.fireAt ?? new Date(now).toISOString(), ActionIndex: index });
      default: {
        const kind = Object.entries(ActionType).find(([, code]) => code === action.actionType)?.[0] ?? `action type ${action.actionType}`;
        return `${kind} is not supported by the local durable runtime (supported: activities with or without retry, timers, external events, continueAsNew)`;
      }
    }
  }

  /** Actions already recorded must come back the same way on replay. */
  private checkDeterminism(actions: OrchestratorAction[]): string | undefined {
    for (const event of this.historyValue) {
      if (event.ActionIndex === undefined) continue;
      const action = actions[event.ActionIndex];
      const expected = event.EventType === EventType.TimerCreated ? 'CreateTimer' : `activity '${event.Name}'`;
      const actual =
        action === undefined ? 'nothing'
        : action.actionType === ActionType.CreateTimer ? 'CreateTimer'
        : action.actionType === ActionType.CallActivity || action.actionType === ActionType.CallActivityWithRetry ? `activity '${action.functionName}'`
        : `action type ${action.actionType}`;
      if (expected !== actual) {
        return `Non-deterministic workflow detected: action ${event.ActionIndex} was ${expected} and is now ${actual}`;
      }
    }
    return undefined;
  }

  /** Timers the orchestrator cancelled (Task.any with a timeout) are not fired. */
  private cancelTimers(actions: OrchestratorAction[], open: Map<number, HistoryEvent>): void {
    for (const event of open.values()) {
      if (event.ActionIndex !== undefined && actions[event.ActionIndex]?.isCanceled) this.deps.timers.cancel(this.timerKey(event.EventId));
    }
  }

  private isCanceledTimer(event: HistoryEvent, outcome: OrchestratorOutcome): boolean {
    return event.ActionIndex !== undefined && outcome.kind === 'state' && outcome.actions[event.ActionIndex]?.isCanceled === true;
  }

  /** Terminate, or messages reaching an instance that already ended: no replay needed. */
  private async finishWithoutReplay(record: InstanceRecord, now: number, terminate: Pending | undefined): Promise<void> {
    const consumed = this.queue.flatMap((p) => (p.kind === 'inbox' ? [p.entry.seq] : []));
    this.queue = [];
    if (consumed.length === 0) return;
    record.inboxConsumed = Math.max(record.inboxConsumed, ...consumed);
    const events: HistoryEvent[] = [];
    if (terminate && terminate.kind === 'inbox' && terminate.entry.message.kind === 'terminate' && !this.isTerminal) {
      const reason = terminate.entry.message.reason;
      record.status = 'Terminated';
      record.output = JSON.stringify(reason);
      record.lastUpdatedTime = now;
      events.push(historyEvent(EventType.ExecutionTerminated, now, { Input: record.output }));
    }
    const rows = events.length > 0 ? packHistoryRows(events) : [];
    record.historyRows += rows.length;
    await this.deps.store.commit({ record, rows, staleRows: [], consumedInbox: consumed });
    this.recordValue = record;
    this.historyValue = [...this.historyValue, ...events];
    this.deps.timers.cancelPrefix(this.timerPrefix());
    this.deps.committed(this);
  }

  /** continueAsNew: a new execution with an empty history; its first episode follows at once. */
  private async commitNewExecution(record: InstanceRecord, input: string | undefined, consumed: number[], now: number): Promise<void> {
    const staleRows = Array.from({ length: record.historyRows }, (_, i) => i);
    const oldPrefix = this.timerPrefix();
    const next: InstanceRecord = {
      ...record,
      executionId: randomUUID(),
      status: 'ContinuedAsNew',
      nextEventId: 0,
      actionCount: 0,
      historyRows: 0,
      lastUpdatedTime: now,
    };
    delete next.output;
    if (input === undefined) delete next.input;
    else next.input = input;
    await this.deps.store.commit({ record: next, rows: [], staleRows, consumedInbox: consumed });
    this.recordValue = next;
    this.historyValue = [];
    this.deps.timers.cancelPrefix(oldPrefix);
    this.queue = this.queue.filter((p) => p.kind === 'inbox');
    this.deps.committed(this);
  }

  private dispatch(event: HistoryEvent): void {
    const work: ActivityWork = { instanceId: this.recordValue.instanceId, executionId: this.recordValue.executionId, eventId: event.EventId, name: event.Name ?? '' };
    if (event.Input !== undefined) work.input = event.Input;
    this.deps.runActivity(work, this);
  }

  private arm(event: HistoryEvent): void {
    const executionId = this.recordValue.executionId;
    const fireAt = event.FireAt ?? new Date(0).toISOString();
    this.deps.timers.add(Date.parse(fireAt), this.timerKey(event.EventId), () => this.deliver({ kind: 'timer', executionId, eventId: event.EventId, fireAt }));
  }

  private timerPrefix(): string {
    return `${this.recordValue.instanceId}|${this.recordValue.executionId}|`;
  }

  private timerKey(eventId: number): string {
    return `${this.timerPrefix()}${eventId}`;
  }
}
