/**
 * The Functions host's rule for a function name (azure-functions-host,
 * src/WebJobs.Script/Utility.cs, FunctionNameValidationRegex, checked by IsValidFunctionName for
 * every function a worker indexes: src/WebJobs.Script/Host/WorkerFunctionMetadataProvider.cs,
 * Utility.ValidateName): a letter, then up to 127 letters, digits, underscores or hyphens, case
 * insensitive, and never "host".
 */
const FUNCTION_NAME = /^[a-z][a-z0-9_-]{0,127}$/i;
export const FUNCTION_NAME_RULE = 'a letter, then up to 127 letters, digits, "_" or "-", and not "host" (the Functions host\'s rule)';

export function isValidFunctionName(name: string): boolean {
  return FUNCTION_NAME.test(name) && name.toLowerCase() !== 'host';
}

/**
 * The functions every Sluice app registers once. They hold an underscore, which a stream name
 * cannot, so no stream's functions can take their names.
 */
export const SHARED_FUNCTIONS = {
  supervisor: 'sluice_supervisor',
  start: 'sluice_start',
  stop: 'sluice_stop',
  replay: 'sluice_replay',
  status: (route: number): string => `sluice_status_${route}`,
} as const;

/** The functions one stream registers, named after it so that streams in one app never collide. */
export interface StreamFunctionNames {
  readonly driver: string;
  readonly activities: {
    readonly nextBatchTime: string;
    readonly allocate: string;
    readonly task: string;
    readonly commit: string;
    readonly fail: string;
    readonly cleanup: string;
  };
  readonly replay: string;
  readonly replayPlan: string;
  readonly replayBatch: string;
  /** The receiver of one source: `sluice-<stream>-receiver` for the default source, else `sluice-<stream>-<source>-receiver`. */
  receiver(source: string | undefined): string;
}

export function streamFunctionNames(stream: string): StreamFunctionNames {
  const name = (what: string): string => `sluice-${stream}-${what}`;
  return {
    driver: name('driver'),
    activities: {
      nextBatchTime: name('next-batch-time'), allocate: name('allocate'), task: name('task'),
      commit: name('commit'), fail: name('fail'), cleanup: name('cleanup'),
    },
    replay: name('replay'),
    replayPlan: name('replay-plan'),
    replayBatch: name('replay-batch'),
    receiver: (source) => name(source === undefined ? 'receiver' : `${source}-receiver`),
  };
}

/** Every name a stream registers, for the checks against the host's rule and against other streams. */
export function allStreamFunctionNames(names: StreamFunctionNames, sources: readonly (string | undefined)[]): string[] {
  return [names.driver, ...Object.values(names.activities), names.replay, names.replayPlan, names.replayBatch, ...sources.map((s) => names.receiver(s))];
}
