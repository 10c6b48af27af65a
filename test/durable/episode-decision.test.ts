import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  batchSize,
  decide,
  describeEpisodeError,
  dropStale,
  replayHistory,
  type Decision,
  type InstanceState,
  type Work,
} from '#local-durable/episode-decision.js';
import { EventType, historyEvent, type HistoryEvent, type RetryMark } from '#local-durable/history-event.js';
import type { InstanceRecord } from '#local-durable/instance-store.js';
import { ActionType, type OrchestratorAction, type OrchestratorOutcome } from '#local-durable/orchestrator-result.js';

const T0 = Date.UTC(2025, 0, 1);
const NOW = T0 + 5000;

function record(fields: Partial<InstanceRecord> = {}): InstanceRecord {
  return { instanceId: 'i1', name: 'orch', executionId: 'e1', status: 'Running', createdTime: T0, lastUpdatedTime: T0, nextEventId: 0, actionCount: 0, historyRows: 0, inboxConsumed: 0, ...fields };
}

const played = (e: HistoryEvent): HistoryEvent => ({ ...e, IsPlayed: true });
const activity = (name: string, fields: Partial<OrchestratorAction> = {}): OrchestratorAction => ({ actionType: ActionType.CallActivity, functionName: name, ...fields });
const running = (actions: OrchestratorAction[], fields: Partial<Extract<OrchestratorOutcome, { kind: 'state' }>> = {}): OrchestratorOutcome =>
  ({ kind: 'state', isDone: false, actions, output: undefined, customStatus: undefined, ...fields });

/** A history whose first episode scheduled activity `name` as EventId 0 (action 0). */
function scheduledOnce(name: string, retry?: RetryMark): InstanceState {
  const history = [
    historyEvent(EventType.OrchestratorStarted, T0),
    historyEvent(EventType.ExecutionStarted, T0, { Name: 'orch' }),
    historyEvent(EventType.TaskScheduled, T0, { EventId: 0, Name: name, ActionIndex: 0, ...(retry ? { Retry: retry } : {}) }),
    historyEvent(EventType.OrchestratorCompleted, T0),
  ].map(played);
  return { record: record({ nextEventId: 1, actionCount: 1, historyRows: 1 }), history };
}

function episode(state: InstanceState, batch: Work[], outcome: OrchestratorOutcome): Decision {
  const decision = decide(state, { kind: 'episode', batch, now: NOW, outcome, nextExecutionId: 'e2' });
  assert.ok(decision, 'an episode always decides something');
  return decision;
}

const types = (events: readonly HistoryEvent[]) => events.map((e) => e.EventType);

describe('decide: one episode of an orchestration, without effects', () => {
  test('a new instance starts, schedules its first activity and asks for it to run after the commit', () => {
    const state: InstanceState = { record: record({ status: 'Pending', input: '"x"' }), history: [] };
    const d = episode(state, [], running([activity('greet', { input: '"Ada"' })]));
    assert.deepEqual(types(d.history), [EventType.OrchestratorStarted, EventType.ExecutionStarted, EventType.TaskScheduled, EventType.OrchestratorCompleted]);
    assert.ok(d.history.every((e) => e.IsPlayed), 'stored as played');
    const scheduled = d.history[2]!;
    assert.deepEqual({ id: scheduled.EventId, name: scheduled.Name, input: scheduled.Input, index: scheduled.ActionIndex }, { id: 0, name: 'greet', input: '"Ada"', index: 0 });
    assert.equal(d.history[1]!.Input, '"x"');
    assert.deepEqual({ ...d.write.record }, { ...state.record, status: 'Running', nextEventId: 1, actionCount: 1, historyRows: 1, lastUpdatedTime: NOW });
    assert.deepEqual(d.write.rows, [d.history]);
    assert.deepEqual(d.effects.map((e) => e.kind), ['runActivity']);
    assert.equal(d.effects[0]!.kind === 'runActivity' && d.effects[0].event.EventId, 0);
    assert.equal(d.newExecution, false);
  });

  test('the orchestrator returns: the execution completes with its output and its timers are cancelled', () => {
    const state = scheduledOnce('greet');
    const d = episode(state, [{ kind: 'completed', executionId: 'e1', eventId: 0, result: '"Hello"' }], running([activity('greet')], { isDone: true, output: ['Hello'] }));
    const added = d.history.slice(state.history.length);
    assert.deepEqual(types(added), [EventType.OrchestratorStarted, EventType.TaskCompleted, EventType.OrchestratorCompleted, EventType.ExecutionCompleted]);
    assert.equal(added[1]!.TaskScheduledId, 0);
    assert.equal(added[3]!.Result, '["Hello"]');
    assert.equal(d.write.record.status, 'Completed');
    assert.equal(d.write.record.output, '["Hello"]');
    assert.equal(d.write.record.historyRows, 2);
    assert.deepEqual(d.effects, [{ kind: 'cancelTimers', executionId: 'e1' }]);
  });

  test('a replay that changes a recorded action fails the execution with a typed error', () => {
    const state = scheduledOnce('greet');
    const d = episode(state, [{ kind: 'completed', executionId: 'e1', eventId: 0 }], running([activity('farewell')]));
    const reason = describeEpisodeError({ kind: 'nonDeterministic', actionIndex: 0, expected: "activity 'greet'", actual: "activity 'farewell'" });
    assert.equal(reason, "Non-deterministic workflow detected: action 0 was activity 'greet' and is now activity 'farewell'");
    assert.equal(d.write.record.status, 'Failed');
    assert.equal(d.write.record.output, JSON.stringify(`Orchestrator function 'orch' failed: ${reason}`));
    assert.equal(d.history.at(-1)!.EventType, EventType.ExecutionFailed);
    assert.equal(d.history.at(-1)!.Reason, reason);
    assert.deepEqual(d.effects, [{ kind: 'cancelTimers', executionId: 'e1' }], 'nothing new runs');
  });

  test('an action the local runtime cannot run fails the execution, naming the action', () => {
    const d = episode({ record: record({ status: 'Pending' }), history: [] }, [], running([{ actionType: ActionType.CallSubOrchestrator, functionName: 'child' }]));
    assert.equal(d.write.record.status, 'Failed');
    assert.equal(d.history.at(-1)!.Reason, describeEpisodeError({ kind: 'unsupportedAction', action: 'CallSubOrchestrator' }));
    assert.match(d.history.at(-1)!.Reason!, /^CallSubOrchestrator is not supported by the local durable runtime/);
    assert.equal(d.history.filter((e) => e.EventType === EventType.TaskScheduled).length, 0);
  });

  test('bad retry options fail the execution with the policy rule', () => {
    const d = episode({ record: record({ status: 'Pending' }), history: [] }, [], running([activity('flaky', { actionType: ActionType.CallActivityWithRetry, retryOptions: { firstRetryIntervalInMilliseconds: 0, maxNumberOfAttempts: 3 } })]));
    assert.equal(d.write.record.status, 'Failed');
    assert.match(d.history.at(-1)!.Reason!, /invalid retry options .*firstRetryIntervalInMilliseconds > 0/);
  });

  test('an orchestrator that throws fails the execution with its message', () => {
    const d = episode(scheduledOnce('greet'), [{ kind: 'completed', executionId: 'e1', eventId: 0 }], { kind: 'failed', message: 'boom', customStatus: 'half way' });
    assert.equal(d.write.record.status, 'Failed');
    assert.equal(d.write.record.customStatus, '"half way"');
    assert.equal(d.history.at(-1)!.Reason, 'boom');
  });

  test('a failed activity with retries left gets a retry timer before anything the orchestrator adds', () => {
    const retry: RetryMark = { policy: { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 3, backoffCoefficient: 2 }, attempt: 2, name: 'flaky' };
    const state = scheduledOnce('flaky', retry);
    const failure = { ErrorType: 'Error', ErrorMessage: 'transient' };
    const d = episode(state, [{ kind: 'failed', executionId: 'e1', eventId: 0, failure }], running([activity('flaky', { actionType: ActionType.CallActivityWithRetry, retryOptions: retry.policy })]));
    const added = d.history.slice(state.history.length);
    assert.deepEqual(types(added), [EventType.OrchestratorStarted, EventType.TaskFailed, EventType.TimerCreated, EventType.OrchestratorCompleted]);
    const timer = added[2]!;
    assert.equal(timer.EventId, 1);
    assert.equal(timer.FireAt, new Date(NOW + 2000).toISOString(), 'first interval × coefficient^(attempt − 1)');
    assert.deepEqual(timer.Retry, retry);
    assert.equal(d.write.record.nextEventId, 2);
    assert.deepEqual(d.effects, [{ kind: 'armTimer', event: { ...timer, IsPlayed: false } }], 'armed from the event as decided (the stored copy is marked played)');
  });

  test('a timer the orchestrator cancelled is cancelled after the commit, and not armed', () => {
    const timer = historyEvent(EventType.TimerCreated, T0, { EventId: 0, FireAt: new Date(T0 + 60_000).toISOString(), ActionIndex: 0 });
    const state: InstanceState = {
      record: record({ nextEventId: 1, actionCount: 1, historyRows: 1 }),
      history: [historyEvent(EventType.OrchestratorStarted, T0), historyEvent(EventType.ExecutionStarted, T0), timer, historyEvent(EventType.OrchestratorCompleted, T0)].map(played),
    };
    const raised: Work = { kind: 'inbox', entry: { seq: 1, message: { kind: 'event', name: 'approved' } } };
    const d = episode(state, [raised], running([{ actionType: ActionType.CreateTimer, isCanceled: true }, { actionType: ActionType.WaitForExternalEvent }], { isDone: true, output: 'ok' }));
    assert.deepEqual(d.effects, [{ kind: 'cancelTimer', executionId: 'e1', eventId: 0 }, { kind: 'cancelTimers', executionId: 'e1' }]);
    assert.deepEqual(d.write.consumedInbox, [1]);
    assert.equal(d.write.record.inboxConsumed, 1);
    assert.equal(d.history.find((e) => e.EventType === EventType.EventRaised)!.Name, 'approved');
  });

  test('continueAsNew starts a new execution: old history rows go, old timers are cancelled', () => {
    const state = scheduledOnce('greet');
    const d = episode(state, [{ kind: 'completed', executionId: 'e1', eventId: 0 }], running([activity('greet'), { actionType: ActionType.ContinueAsNew, input: '{"round":2}' }]));
    assert.equal(d.newExecution, true);
    assert.deepEqual(d.history, []);
    assert.deepEqual(d.write.rows, []);
    assert.deepEqual(d.write.staleRows, [0]);
    assert.deepEqual({ ...d.write.record }, { ...state.record, executionId: 'e2', status: 'ContinuedAsNew', input: '{"round":2}', nextEventId: 0, actionCount: 0, historyRows: 0, lastUpdatedTime: NOW });
    assert.deepEqual(d.effects, [{ kind: 'cancelTimers', executionId: 'e1' }]);
  });

  test('terminate ends a running instance without a replay; other messages to an ended one are only consumed', () => {
    const state = scheduledOnce('greet');
    const terminate: Work = { kind: 'inbox', entry: { seq: 4, message: { kind: 'terminate', reason: 'by operator' } } };
    const d = decide(state, { kind: 'finish', pending: [terminate], now: NOW })!;
    assert.equal(d.write.record.status, 'Terminated');
    assert.equal(d.write.record.output, '"by operator"');
    assert.deepEqual(types(d.history.slice(state.history.length)), [EventType.ExecutionTerminated]);
    assert.deepEqual(d.write.consumedInbox, [4]);
    assert.deepEqual(d.effects, [{ kind: 'cancelTimers', executionId: 'e1' }]);

    const ended: InstanceState = { record: d.write.record, history: d.history };
    const late = decide(ended, { kind: 'finish', pending: [{ kind: 'inbox', entry: { seq: 5, message: { kind: 'event', name: 'late' } } }], now: NOW })!;
    assert.equal(late.write.record.status, 'Terminated');
    assert.deepEqual(late.history, d.history, 'nothing is added to an ended history');
    assert.deepEqual(late.write.consumedInbox, [5]);
    assert.equal(decide(ended, { kind: 'finish', pending: [], now: NOW }), null, 'no message, nothing to commit');
  });

  test('decide is pure: the state it is given is not changed, and the same input decides the same', () => {
    const state = scheduledOnce('greet');
    const snapshot = structuredClone(state);
    const work = { kind: 'episode' as const, batch: [{ kind: 'completed' as const, executionId: 'e1', eventId: 0 }], now: NOW, outcome: running([activity('greet'), activity('again')]), nextExecutionId: 'e2' };
    const first = decide(state, work);
    assert.deepEqual(state, snapshot);
    assert.deepEqual(decide(state, work), first);
    assert.deepEqual(replayHistory(state, work.batch, NOW), first!.history.slice(0, state.history.length + 2).map((e, i) => (i < state.history.length ? e : { ...e, IsPlayed: false })));
  });
});

describe('the queue before an episode', () => {
  const retry: RetryMark = { policy: { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 3 }, attempt: 1, name: 'flaky' };

  test('results of another execution, of closed tasks and duplicates are dropped; messages stay', () => {
    const state = scheduledOnce('greet');
    const message: Work = { kind: 'inbox', entry: { seq: 1, message: { kind: 'event', name: 'x' } } };
    const queue: Work[] = [
      { kind: 'completed', executionId: 'old', eventId: 0 },
      { kind: 'completed', executionId: 'e1', eventId: 0 },
      { kind: 'completed', executionId: 'e1', eventId: 0 },
      { kind: 'completed', executionId: 'e1', eventId: 7 },
      message,
    ];
    assert.deepEqual(dropStale(queue, state), [queue[1], message]);
  });

  test('an episode takes results up to a second retry-relevant failure', () => {
    const state = scheduledOnce('flaky', retry);
    const failure = { ErrorType: 'Error', ErrorMessage: 'x' };
    const event: Work = { kind: 'inbox', entry: { seq: 1, message: { kind: 'event', name: 'x' } } };
    const failed: Work = { kind: 'failed', executionId: 'e1', eventId: 0, failure };
    assert.equal(batchSize([failed, event, failed], state), 2);
    assert.equal(batchSize([event, failed], state), 1);
    assert.equal(batchSize([], state), 0);
  });
});
