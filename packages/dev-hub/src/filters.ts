import { Condition, HubError } from './amqp-errors.js';
import type { PartitionLog } from './partition-log.js';

/** Where a reader starts, parsed from the `apache.org:selector-filter:string` source filter. */
export type StartPosition =
  | { kind: 'offset'; offset: string; inclusive: boolean }
  | { kind: 'sequence'; sequenceNumber: number; inclusive: boolean }
  | { kind: 'time'; time: number; inclusive: boolean };

export const SELECTOR_FILTER = 'apache.org:selector-filter:string';

const EXPRESSION = /^\s*amqp\.annotation\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time)\s*(>=|>)\s*'([^']*)'\s*$/i;

/** No filter means the start of the partition, as with the service. */
export function parseStartFilter(expression: string | undefined): StartPosition {
  if (expression === undefined) return { kind: 'offset', offset: '-1', inclusive: false };
  const m = EXPRESSION.exec(expression);
  if (!m) throw new HubError(Condition.argument, `unsupported selector filter "${expression}"`);
  const [, field, op, value] = m as unknown as [string, string, string, string];
  const inclusive = op === '>=';
  switch (field.toLowerCase()) {
    case 'x-opt-offset':
      return { kind: 'offset', offset: value, inclusive };
    case 'x-opt-sequence-number':
      return { kind: 'sequence', sequenceNumber: integer(value, 'sequence number'), inclusive };
    default:
      return { kind: 'time', time: integer(value, 'enqueued time'), inclusive };
  }
}

/**
 * The first sequence number to deliver. Positions before the retained range start at its
 * beginning; positions past the end are refused as the service refuses them.
 */
export function resolveStart(position: StartPosition, log: PartitionLog): number {
  const state = log.state;
  const next = state.lastSequenceNumber + 1;
  switch (position.kind) {
    case 'offset': {
      if (position.offset === '@latest') return next;
      if (position.offset === '-1' && !position.inclusive) return state.beginSequenceNumber;
      const offset = integer(position.offset, 'offset');
      if (offset > Number(state.lastOffset) && !(offset === 0 && state.isEmpty)) {
        throw new HubError(Condition.argumentOutOfRange, `The supplied offset '${position.offset}' is invalid. The last offset in the system is '${state.lastOffset}'`);
      }
      return log.firstAtOffset(offset, position.inclusive);
    }
    case 'sequence': {
      const first = position.inclusive ? position.sequenceNumber : position.sequenceNumber + 1;
      if (first > next) {
        throw new HubError(Condition.argumentOutOfRange, `The supplied sequence number '${position.sequenceNumber}' is invalid. The last sequence number in the system is '${state.lastSequenceNumber}'`);
      }
      return Math.max(first, state.beginSequenceNumber);
    }
    case 'time':
      return log.firstAfterTime(position.inclusive ? position.time - 1 : position.time);
  }
}

function integer(value: string, what: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new HubError(Condition.argument, `the ${what} '${value}' in the selector filter is not an integer`);
  }
  return n;
}
