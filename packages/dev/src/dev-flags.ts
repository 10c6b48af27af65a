import { parseArgs } from 'node:util';

/** The options `sluice dev` and the repository's `npm start` share: where the stack listens and keeps its data. */
export interface DevFlags {
  readonly memory: boolean;
  readonly dataDir: string;
  readonly port: number;
  readonly hubPort: number;
  readonly partitions: number;
  readonly storage?: string;
  readonly eventhub?: string;
  readonly help: boolean;
}

export const DEV_FLAGS_USAGE = `  --memory            keep Azurite and the dev hub in memory (default: persisted under .sluice/)
  --data-dir <dir>    where to persist (default .sluice)
  --port <n>          Functions host port (default 7071)
  --hub-port <n>      dev Event Hubs port (default 5672, the emulator's)
  --partitions <n>    partitions of each dev hub (default 4)
  --storage <cs>      use this storage account instead of Azurite (e.g. from azd's .env)
  --eventhub <cs>     use this Event Hubs instead of the dev hub (official emulator or a namespace)`;

/** A flag the user got wrong: the message names the flag, the value and the rule. */
export class FlagError extends Error {}

const OPTIONS = {
  memory: { type: 'boolean' }, 'data-dir': { type: 'string' }, port: { type: 'string' }, 'hub-port': { type: 'string' },
  partitions: { type: 'string' }, storage: { type: 'string' }, eventhub: { type: 'string' }, help: { type: 'boolean' },
} as const;

/** A whole-number flag's value, `fallback` when absent; a FlagError naming the flag, the value and the rule otherwise. */
export function wholeNumberFlag(name: string, raw: string | boolean | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) < min) throw new FlagError(`--${name} ${JSON.stringify(raw)} must be a whole number of at least ${min}`);
  return Number(raw);
}

/**
 * Parses the shared flags; `extra` declares a command's own (string) flags, returned in `rest`.
 * Throws FlagError for unknown flags and bad numbers.
 */
export function parseDevFlags(args: readonly string[], extra: readonly string[] = []): { flags: DevFlags; rest: Record<string, string | undefined> } {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...args], options: { ...OPTIONS, ...Object.fromEntries(extra.map((e) => [e, { type: 'string' as const }])) } }).values;
  } catch (err) {
    throw new FlagError((err as Error).message);
  }
  const number = (name: string, fallback: number, min: number): number => wholeNumberFlag(name, values[name], fallback, min);
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const storage = text('storage');
  const eventhub = text('eventhub');
  return {
    flags: {
      memory: values['memory'] === true,
      dataDir: text('data-dir') ?? '.sluice',
      port: number('port', 7071, 0),
      hubPort: number('hub-port', 5672, 0),
      partitions: number('partitions', 4, 1),
      ...(storage && { storage }),
      ...(eventhub && { eventhub }),
      help: values['help'] === true,
    },
    rest: Object.fromEntries(extra.map((e) => [e, text(e)])),
  };
}
