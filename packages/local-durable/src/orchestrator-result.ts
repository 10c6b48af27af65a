import type { RetryPolicy } from './history-event.js';

/** durable-functions' ActionType codes. */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

/** One action as the library emits it, after JSON normalisation (dates become ISO strings). */
export interface OrchestratorAction {
  actionType: number;
  functionName?: string;
  /** CallActivity and ContinueAsNew inputs: strings arrive JSON-encoded, other values as is. */
  input?: unknown;
  retryOptions?: RetryPolicy;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
}

export type OrchestratorOutcome =
  | { kind: 'state'; isDone: boolean; actions: OrchestratorAction[]; output: unknown; customStatus: unknown }
  | { kind: 'failed'; message: string; customStatus: unknown };

const OUT_OF_PROC_LABEL = '\n\n$OutOfProcData$:';

/** Turns the orchestrator handler's return value into a flat, ordered action list. */
export function readOrchestratorState(returned: unknown): OrchestratorOutcome {
  if (!returned || typeof returned !== 'object' || !('actions' in returned)) {
    throw new Error(`orchestrator returned ${JSON.stringify(returned)}, not a durable-functions orchestrator state`);
  }
  const state = returned as { isDone?: unknown; actions: unknown; output?: unknown; customStatus?: unknown };
  return {
    kind: 'state',
    isDone: state.isDone === true,
    actions: flattenActions(state.actions),
    output: normalise(state.output),
    customStatus: normalise(state.customStatus),
  };
}

/**
 * Reads an orchestrator failure. The library appends its state after a label; the state's
 * `error` holds the real message (the text before the label is not always meaningful).
 */
export function readOrchestratorFailure(error: unknown): OrchestratorOutcome {
  const text = error instanceof Error ? error.message : String(error);
  const at = text.indexOf(OUT_OF_PROC_LABEL);
  if (at < 0) return { kind: 'failed', message: text, customStatus: undefined };
  try {
    const state = JSON.parse(text.slice(at + OUT_OF_PROC_LABEL.length)) as { error?: unknown; customStatus?: unknown };
    const message = typeof state.error === 'string' && state.error.length > 0 ? state.error : text.slice(0, at);
    return { kind: 'failed', message, customStatus: state.customStatus };
  } catch {
    return { kind: 'failed', message: text.slice(0, at), customStatus: undefined };
  }
}

/**
 * Depth-first flattening of nested arrays and Task.all / Task.any groups. A task yielded again
 * inside a group is the same action object, so identity de-duplicates it (it has no new EventId).
 */
export function flattenActions(raw: unknown): OrchestratorAction[] {
  const seen = new Set<object>();
  const out: OrchestratorAction[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const action = node as { actionType?: unknown; compoundActions?: unknown };
    if (action.actionType === ActionType.WhenAll || action.actionType === ActionType.WhenAny) {
      visit(action.compoundActions);
      return;
    }
    out.push(normalise(node) as OrchestratorAction);
  };
  visit(raw);
  return out;
}

function normalise(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** The library JSON-encodes string inputs of activity and continueAsNew actions; other values pass raw. */
export function decodeActionInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

/** Whether the library numbers this action with the next EventId. */
export function consumesEventId(action: OrchestratorAction): boolean {
  return action.actionType !== ActionType.WaitForExternalEvent && action.actionType !== ActionType.ContinueAsNew;
}
