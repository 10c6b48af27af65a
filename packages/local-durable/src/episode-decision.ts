import { EventType, historyEvent, toJsonText, type FailureDetails, type HistoryEvent } from './history-event.js';
import { packHistoryRows, TERMINAL_STATUSES, type EpisodeWrite, type InboxEntry, type InstanceRecord } from './instance-store.js';
import { ActionType, consumesEventId, decodeActionInput, type OrchestratorAction, type OrchestratorOutcome } from './orchestrator-result.js';
import { readRetryPolicy, retryDelayMs } from './retry-delay.js';

/**
 * What one episode of an orchestration instance does, decided without doing it: given the
 * committed state and the work taken from the queue (and, for a replay, what the orchestrator
 * returned), `decide` says what to commit and which effects follow the commit. No I/O, no clock,
 * no randomness: the actor (instance-actor.ts) supplies time and ids, commits, then applies.
 */

/** Results of activities and timers for one execution; lost on a crash and recreated from history. */
export type WorkResult =
  | { kind: 'completed'; executionId: string; eventId: number; result?: string }
  | { kind: 'failed'; executionId: string; eventId: number; failure: FailureDetails }
  | { kind: 'timer'; executionId: string; eventId: number; fireAt: string };

/** One queued item: a client message from the inbox, or a result. */
export type Work = { kind: 'inbox'; entry: InboxEntry } | WorkResult;

/** The committed state an episode starts from. */
export interface InstanceState {
  readonly record: InstanceRecord;
  readonly history: readonly HistoryEvent[];
}

/** Why an execution fails, as a value; `describeEpisodeError` gives the text the history records. */
export type EpisodeError =
  | { kind: 'orchestratorFailed'; message: string }
  | { kind: 'nonDeterministic'; actionIndex: number; expected: string; actual: string }
  | { kind: 'unsupportedAction'; action: string }
  | { kind: 'invalidRetryOptions'; message: string };

/** What the actor does after the commit, in order. */
export type Effect =
  | { kind: 'runActivity'; event: HistoryEvent }
  | { kind: 'armTimer'; event: HistoryEvent }
  /** A timer the orchestrator cancelled (Task.any with a timeout) is not fired. */
  | { kind: 'cancelTimer'; executionId: string; eventId: number }
  /** Every timer of an execution that ended or was replaced. */
  | { kind: 'cancelTimers'; executionId: string };

export interface Decision {
  /** What the store commits. */
  write: EpisodeWrite;
  /** The history once the write is committed (empty for a new execution). */
  history: HistoryEvent[];
  effects: Effect[];
  /** continueAsNew: queued results of the old execution no longer apply. */
  newExecution: boolean;
}

/** The inputs of one decision. */
export type EpisodeWork =
  /** Terminate, or messages reaching an instance that already ended: no replay. */
  | { kind: 'finish'; pending: readonly Work[]; now: number }
  /** A replay of `batch`; `outcome` is what the orchestrator returned for `replayHistory(...)`. */
  | { kind: 'episode'; batch: readonly Work[]; now: number; outcome: OrchestratorOutcome; nextExecutionId: string };

export const isTerminal = (record: InstanceRecord): boolean => TERMINAL_STATUSES.includes(record.status);

/** A fresh execution (new, or after continueAsNew) has no history and starts with its next episode. */
export const needsStart = (state: InstanceState): boolean => !isTerminal(state.record) && state.history.length === 0;

/** Scheduled activities and timers that have no result in the history yet, by EventId. */
export function openWork(history: readonly HistoryEvent[]): { scheduled: Map<number, HistoryEvent>; timers: Map<number, HistoryEvent> } {
  const scheduled = new Map<number, HistoryEvent>();
  const timers = new Map<number, HistoryEvent>();
  for (const event of history) {
    if (event.EventType === EventType.TaskScheduled) scheduled.set(event.EventId, event);
    else if (event.EventType === EventType.TimerCreated) timers.set(event.EventId, event);
    else if (event.EventType === EventType.TaskCompleted || event.EventType === EventType.TaskFailed) scheduled.delete(event.TaskScheduledId ?? -1);
    else if (event.EventType === EventType.TimerFired) timers.delete(event.TimerId ?? -1);
  }
  return { scheduled, timers };
}

/** The queue without results for tasks no longer open (another execution, already recorded, or duplicates). */
export function dropStale(queue: readonly Work[], state: InstanceState): Work[] {
  const { scheduled, timers } = openWork(state.history);
  const seen = new Set<string>();
  return queue.filter((p) => {
    if (p.kind === 'inbox') return true;
    const key = `${p.kind === 'timer' ? 'timer' : 'task'}:${p.eventId}`;
    if (p.executionId !== state.record.executionId || seen.has(key)) return false;
    seen.add(key);
    return p.kind === 'timer' ? timers.has(p.eventId) : scheduled.has(p.eventId);
  });
}

/** How many queue items the next episode takes: the head plus what follows, stopping before a second retry-relevant result. */
export function batchSize(queue: readonly Work[], state: InstanceState): number {
  const { scheduled, timers } = openWork(state.history);
  const relevant = (p: Work) =>
    (p.kind === 'failed' && scheduled.get(p.eventId)?.Retry !== undefined) || (p.kind === 'timer' && timers.get(p.eventId)?.Retry !== undefined);
  let count = 0;
  while (count < queue.length && (count === 0 || !relevant(queue[count]!))) count++;
  // A fresh execution's ExecutionStarted goes first, so a retry-relevant head waits a turn.
  if (needsStart(state) && count > 0 && relevant(queue[0]!)) count = 0;
  return count;
}

/** The history the orchestrator replays for an episode over `batch`: the committed one plus this episode's new events. */
export function replayHistory(state: InstanceState, batch: readonly Work[], now: number): HistoryEvent[] {
  return [...state.history, ...episodeStart(state, batch, now).fresh];
}

export function decide(state: InstanceState, work: EpisodeWork): Decision | null {
  return work.kind === 'finish' ? finish(state, work.pending, work.now) : episode(state, work);
}

export function describeEpisodeError(error: EpisodeError): string {
  switch (error.kind) {
    case 'orchestratorFailed':
    case 'invalidRetryOptions':
      return error.message;
    case 'nonDeterministic':
      return `Non-deterministic workflow detected: action ${error.actionIndex} was ${error.expected} and is now ${error.actual}`;
    case 'unsupportedAction':
      return `${error.action} is not supported by the local durable runtime (supported: activities with or without retry, timers, external events, continueAsNew)`;
  }
}

interface EpisodeStart {
  record: InstanceRecord;
  /** OrchestratorStarted, ExecutionStarted for a fresh execution, then one event per batch item. */
  fresh: HistoryEvent[];
  /** Retry bookkeeping: the library numbers it before any action this episode adds. */
  retry: HistoryEvent[];
  consumed: number[];
}

function episodeStart(state: InstanceState, batch: readonly Work[], now: number): EpisodeStart {
  const record = { ...state.record };
  const starting = needsStart(state);
  const fresh: HistoryEvent[] = [historyEvent(EventType.OrchestratorStarted, now)];
  if (starting) fresh.push(historyEvent(EventType.ExecutionStarted, now, { Name: record.name, Input: record.input }));
  for (const item of batch) fresh.push(toEvent(item, now));

  const { scheduled, timers } = openWork(state.history);
  const retry: HistoryEvent[] = [];
  const first = batch[0];
  const failedMark = first?.kind === 'failed' ? scheduled.get(first.eventId)?.Retry : undefined;
  const timerMark = first?.kind === 'timer' ? timers.get(first.eventId)?.Retry : undefined;
  if (failedMark) {
    retry.push(historyEvent(EventType.TimerCreated, now, {
      EventId: record.nextEventId++,
      FireAt: new Date(now + retryDelayMs(failedMark.policy, failedMark.attempt)).toISOString(),
      Retry: failedMark,
    }));
  } else if (timerMark && timerMark.attempt < timerMark.policy.maxNumberOfAttempts) {
    retry.push(historyEvent(EventType.TaskScheduled, now, {
      EventId: record.nextEventId++,
      Name: timerMark.name,
      Input: timerMark.input,
      Retry: { ...timerMark, attempt: timerMark.attempt + 1 },
    }));
  }

  const consumed = batch.flatMap((p) => (p.kind === 'inbox' ? [p.entry.seq] : []));
  if (consumed.length > 0) record.inboxConsumed = Math.max(record.inboxConsumed, ...consumed);
  if (starting) record.status = 'Running';
  record.lastUpdatedTime = now;
  return { record, fresh, retry, consumed };
}

function episode(state: InstanceState, work: Extract<EpisodeWork, { kind: 'episode' }>): Decision {
  const { now, outcome } = work;
  const { record, fresh, retry, consumed } = episodeStart(state, work.batch, now);
  const appended = [...retry];
  const effects: Effect[] = [];
  let error: EpisodeError | undefined = outcome.kind === 'failed' ? { kind: 'orchestratorFailed', message: outcome.message } : undefined;
  let nextExecution: { input: string | undefined } | undefined;
  if (outcome.customStatus !== undefined) record.customStatus = toJsonText(outcome.customStatus)!;
  if (outcome.kind === 'state') {
    error = checkDeterminism(state.history, outcome.actions);
    const added = outcome.actions.slice(record.actionCount);
    for (const [offset, action] of added.entries()) {
      if (error) break;
      const index = record.actionCount + offset;
      if (action.actionType === ActionType.ContinueAsNew) {
        nextExecution = { input: toJsonText(decodeActionInput(action.input)) };
        break;
      }
      if (!consumesEventId(action)) continue;
      const scheduled = scheduleEvent(action, index, record.nextEventId, now);
      if ('error' in scheduled) error = scheduled.error;
      else {
        appended.push(scheduled.event);
        record.nextEventId++;
      }
    }
    record.actionCount = outcome.actions.length;
    for (const timer of openWork(state.history).timers.values()) {
      if (isCanceled(timer, outcome)) effects.push({ kind: 'cancelTimer', executionId: record.executionId, eventId: timer.EventId });
    }
  }
  appended.push(historyEvent(EventType.OrchestratorCompleted, now));

  if (error !== undefined) {
    const reason = describeEpisodeError(error);
    record.status = 'Failed';
    record.output = JSON.stringify(`Orchestrator function '${record.name}' failed: ${reason}`);
    appended.push(historyEvent(EventType.ExecutionFailed, now, { Reason: reason }));
  } else if (nextExecution) {
    return newExecution(record, nextExecution.input, consumed, now, work.nextExecutionId, effects);
  } else if (outcome.kind === 'state' && outcome.isDone) {
    record.status = 'Completed';
    const output = toJsonText(outcome.output);
    if (output === undefined) delete record.output;
    else record.output = output;
    appended.push(historyEvent(EventType.ExecutionCompleted, now, { Result: record.output }));
  }

  // Stored as played: every later episode replays them.
  const events = [...fresh, ...appended].map((e) => ({ ...e, IsPlayed: true }));
  const rows = packHistoryRows(events);
  record.historyRows += rows.length;
  if (isTerminal(record)) effects.push({ kind: 'cancelTimers', executionId: record.executionId });
  else {
    for (const event of appended) {
      if (event.EventType === EventType.TaskScheduled) effects.push({ kind: 'runActivity', event });
      if (event.EventType === EventType.TimerCreated && !isCanceled(event, outcome)) effects.push({ kind: 'armTimer', event });
    }
  }
  return { write: { record, rows, staleRows: [], consumedInbox: consumed }, history: [...state.history, ...events], effects, newExecution: false };
}

/** Terminate, or messages reaching an instance that already ended: consumed without a replay. */
function finish(state: InstanceState, pending: readonly Work[], now: number): Decision | null {
  const consumed = pending.flatMap((p) => (p.kind === 'inbox' ? [p.entry.seq] : []));
  if (consumed.length === 0) return null;
  const record = { ...state.record, inboxConsumed: Math.max(state.record.inboxConsumed, ...consumed) };
  const events: HistoryEvent[] = [];
  const terminate = pending.find((p) => p.kind === 'inbox' && p.entry.message.kind === 'terminate');
  if (terminate?.kind === 'inbox' && terminate.entry.message.kind === 'terminate' && !isTerminal(state.record)) {
    record.status = 'Terminated';
    record.output = JSON.stringify(terminate.entry.message.reason);
    record.lastUpdatedTime = now;
    events.push(historyEvent(EventType.ExecutionTerminated, now, { Input: record.output }));
  }
  const rows = events.length > 0 ? packHistoryRows(events) : [];
  record.historyRows += rows.length;
  return {
    write: { record, rows, staleRows: [], consumedInbox: consumed },
    history: [...state.history, ...events],
    effects: [{ kind: 'cancelTimers', executionId: record.executionId }],
    newExecution: false,
  };
}

/** continueAsNew: a new execution with an empty history; its first episode follows at once. */
function newExecution(record: InstanceRecord, input: string | undefined, consumed: number[], now: number, executionId: string, effects: Effect[]): Decision {
  const next: InstanceRecord = { ...record, executionId, status: 'ContinuedAsNew', nextEventId: 0, actionCount: 0, historyRows: 0, lastUpdatedTime: now };
  delete next.output;
  if (input === undefined) delete next.input;
  else next.input = input;
  return {
    write: { record: next, rows: [], staleRows: Array.from({ length: record.historyRows }, (_, i) => i), consumedInbox: consumed },
    history: [],
    effects: [...effects, { kind: 'cancelTimers', executionId: record.executionId }],
    newExecution: true,
  };
}

function toEvent(item: Work, now: number): HistoryEvent {
  switch (item.kind) {
    case 'inbox': {
      const message = item.entry.message;
      // Terminate never reaches a replay: the actor finishes the instance without one.
      if (message.kind !== 'event') throw new Error(`unexpected ${message.kind} message in an episode`);
      return historyEvent(EventType.EventRaised, now, { Name: message.name, Input: message.input });
    }
    case 'completed':
      return historyEvent(EventType.TaskCompleted, now, { TaskScheduledId: item.eventId, Result: item.result ?? 'null' });
    case 'failed':
      return historyEvent(EventType.TaskFailed, now, {
        TaskScheduledId: item.eventId,
        Reason: item.failure.ErrorMessage,
        Details: item.failure.StackTrace ?? '',
        FailureDetails: item.failure,
      });
    case 'timer':
      return historyEvent(EventType.TimerFired, now, { TimerId: item.eventId, FireAt: item.fireAt });
  }
}

/** The history event for a new action, or why this runtime cannot run it. */
function scheduleEvent(action: OrchestratorAction, index: number, eventId: number, now: number): { event: HistoryEvent } | { error: EpisodeError } {
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
          return { error: { kind: 'invalidRetryOptions', message: (error as Error).message } };
        }
      }
      return { event };
    }
    case ActionType.CreateTimer:
      return { event: historyEvent(EventType.TimerCreated, now, { EventId: eventId, FireAt: action.fireAt ?? new Date(now).toISOString(), ActionIndex: index }) };
    default: {
      const kind = Object.entries(ActionType).find(([, code]) => code === action.actionType)?.[0] ?? `action type ${action.actionType}`;
      return { error: { kind: 'unsupportedAction', action: kind } };
    }
  }
}

/** Actions already recorded must come back the same way on replay. */
function checkDeterminism(history: readonly HistoryEvent[], actions: readonly OrchestratorAction[]): EpisodeError | undefined {
  for (const event of history) {
    if (event.ActionIndex === undefined) continue;
    const action = actions[event.ActionIndex];
    const expected = event.EventType === EventType.TimerCreated ? 'CreateTimer' : `activity '${event.Name}'`;
    const actual =
      action === undefined ? 'nothing'
      : action.actionType === ActionType.CreateTimer ? 'CreateTimer'
      : action.actionType === ActionType.CallActivity || action.actionType === ActionType.CallActivityWithRetry ? `activity '${action.functionName}'`
      : `action type ${action.actionType}`;
    if (expected !== actual) return { kind: 'nonDeterministic', actionIndex: event.ActionIndex, expected, actual };
  }
  return undefined;
}

function isCanceled(event: HistoryEvent, outcome: OrchestratorOutcome): boolean {
  return event.ActionIndex !== undefined && outcome.kind === 'state' && outcome.actions[event.ActionIndex]?.isCanceled === true;
}
