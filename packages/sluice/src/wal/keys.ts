/**
 * Table keys and blob names. Numbers are zero-padded so lexicographic order is numeric order;
 * batch rows use an inverted time so the newest batch is the first row of its partition.
 */
const SEQ_DIGITS = 16; // 2^53 has 16 digits
const TIME_DIGITS = 15;
const TIME_CEILING = 10 ** TIME_DIGITS - 1;

export const pad = (n: number, digits = SEQ_DIGITS): string => String(n).padStart(digits, '0');
/** A batch time, zero-padded: state snapshots and per-batch blob prefixes sort by time. */
export const padTime = (time: number): string => pad(time, TIME_DIGITS);

export const receiverPartitionKey = (stream: string, source: string, partition: string): string => `rcv~${stream}~${source}~${partition}`;
export const receiverPartitionPrefix = (stream: string): string => `rcv~${stream}~`;
export const CHECKPOINT_ROW = 'checkpoint';
export const blockRow = (firstSeq: number): string => `blk~${pad(firstSeq)}`;

export const batchesPartitionKey = (stream: string): string => `bat~${stream}`;
export const batchRow = (time: number): string => pad(TIME_CEILING - time, TIME_DIGITS);
export const timeOfBatchRow = (row: string): number => TIME_CEILING - Number(row);

export const streamPartitionKey = (stream: string): string => `str~${stream}`;

export const blockBlobName = (stream: string, source: string, partition: string, first: number, last: number): string =>
  `${stream}/${source}/${partition}/${pad(first)}-${pad(last)}.ndjson`;
export const batchPrefix = (stream: string, time: number): string => `${stream}/${padTime(time)}/`;
