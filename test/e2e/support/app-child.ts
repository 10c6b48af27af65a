import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface AppChildOptions {
  storageConnectionString: string;
  eventHubConnectionString: string;
  /** SLUICE_* settings, passed through the environment. */
  settings: Readonly<Record<string, string>>;
  /** `<point>[:<nth>]`, see freeze-switch.ts. */
  freezeAt?: string;
  /** Ask the child to print its RSS this often. */
  reportRssMs?: number;
}

export interface AppReady {
  url: string;
  pid: number;
  stream: string;
}

/** SLUICE_* settings for a stream that moves quickly in tests: 1 s batches, 100 ms blocks, 4 tasks, reliable receivers. */
export const QUICK_STREAM_SETTINGS = {
  SLUICE_BATCH_INTERVAL: '1s', SLUICE_BLOCK_INTERVAL: '100ms', SLUICE_MAX_TASKS_PER_BATCH: '4', SLUICE_RECEIVER_WAL: 'reliable',
} as const;

const SCRIPT = fileURLToPath(new URL('./app-process.js', import.meta.url));

/**
 * The parent's handle on one app process (app-process.ts): waits for its READY and FROZEN lines,
 * tracks its peak RSS, and kills it. Its stderr is kept, to explain a failure.
 */
export class AppChild {
  readonly process: ChildProcess;
  readonly ready: Promise<AppReady>;
  readonly frozen: Promise<string>;
  readonly exited: Promise<number | NodeJS.Signals | null>;
  peakRss = 0;
  private stderr = '';

  constructor(options: AppChildOptions) {
    const env: NodeJS.ProcessEnv = {
      ...process.env, ...options.settings,
      E2E_STORAGE: options.storageConnectionString, E2E_EVENTHUB: options.eventHubConnectionString,
      ...(options.freezeAt && { E2E_FREEZE_AT: options.freezeAt }),
      ...(options.reportRssMs && { E2E_REPORT_RSS_MS: String(options.reportRssMs) }),
    };
    this.process = spawn(process.execPath, [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.process.stderr!.setEncoding('utf8').on('data', (chunk: string) => { this.stderr = (this.stderr + chunk).slice(-20_000); });
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve(signal ?? code)));
    let onReady: (r: AppReady) => void = () => {};
    let onFrozen: (d: string) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      onReady = resolve;
      void this.exited.then((how) => reject(new Error(`app process exited (${String(how)}) before it was ready:\n${this.stderr}`)));
    });
    this.frozen = new Promise((resolve, reject) => {
      onFrozen = resolve;
      void this.exited.then((how) => reject(new Error(`app process exited (${String(how)}) before it froze:\n${this.stderr}`)));
    });
    // Unawaited rejections of these must not crash the parent when a test never waits on them.
    this.ready.catch(() => {});
    this.frozen.catch(() => {});
    const lines = createInterface({ input: this.process.stdout! });
    lines.on('line', (line) => {
      const space = line.indexOf(' ');
      const tag = space < 0 ? line : line.slice(0, space);
      const rest = space < 0 ? '' : line.slice(space + 1);
      if (tag === 'READY') onReady(JSON.parse(rest) as AppReady);
      else if (tag === 'FROZEN') onFrozen(rest);
      else if (tag === 'RSS') this.peakRss = Math.max(this.peakRss, Number(rest));
    });
  }

  get errors(): string {
    return this.stderr;
  }

  /** Kills the process outright, as a crash would, and waits until it is gone. */
  async kill(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
    await this.exited;
  }

  /** Asks for a clean stop (the app flushes and closes), and waits. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGTERM');
    await this.exited;
  }
}
