/**
 * History events in the shape durable-functions replays (PascalCase fields, numeric EventType).
 * Fields after the library's own are host bookkeeping the library ignores.
 */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;
export type EventTypeCode = (typeof EventType)[keyof typeof EventType];

export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
}

export interface RetryPolicy {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
}

/** Carried on a retried TaskScheduled (attempt) and on its retry TimerCreated (the attempt that failed). */
export interface RetryMark {
  policy: RetryPolicy;
  attempt: number;
  name: string;
  input?: string;
}

export interface HistoryEvent {
  EventType: EventTypeCode;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  /** JSON text. */
  Input?: string;
  /** JSON text. */
  Result?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetails;
  /** Index of the orchestrator action this event schedules (absent for retry-generated events). */
  ActionIndex?: number;
  Retry?: RetryMark;
}

export function historyEvent(type: EventTypeCode, time: number, fields: Partial<HistoryEvent> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: new Date(time).toISOString(), ...fields };
}

/** JSON text for a value; undefined stays undefined (the library parses "null" as null anyway). */
export function toJsonText(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

export function fromJsonText(text: string | undefined): unknown {
  return text === undefined ? undefined : JSON.parse(text);
}
