import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WindowReport } from './process-probe.js';

const SCRIPT = fileURLToPath(new URL('./bench-process.js', import.meta.url));

type Message = { type: string; [k: string]: unknown };

/**
 * The bench's handle on one bench-process.ts child: waits for its `ready`, opens and closes
 * measurement windows, asks role questions, and stops it. Replies are matched to requests by type,
 * in order; an `error` reply or an early exit fails whatever is waiting.
 */
export class MeasuredChild {
  readonly process: ChildProcess;
  readonly ready: Promise<Message>;
  private readonly waiting: { type: string; resolve: (m: Message) => void; reject: (e: Error) => void }[] = [];
  private stderr = '';
  private readonly exited: Promise<void>;

  constructor(readonly role: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = process.env) {
    this.process = fork(SCRIPT, [role, ...args], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.process.stderr!.setEncoding('utf8').on('data', (chunk: string) => { this.stderr = (this.stderr + chunk).slice(-20_000); });
    this.process.on('message', (m: Message) => {
      if (m.type === 'error') return this.failAll(new Error(`${role}: ${String(m['message'])}`));
      const i = this.waiting.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(m);
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => {
      this.failAll(new Error(`${role} process exited (${String(signal ?? code)}):\n${this.stderr}`));
      resolve();
    }));
    this.ready = this.next('ready');
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.splice(0)) w.reject(err);
  }

  next(type: string): Promise<Message> {
    return new Promise((resolve, reject) => this.waiting.push({ type, resolve, reject }));
  }

  private request(message: Message, reply: string): Promise<Message> {
    const answer = this.next(reply);
    this.process.send(message);
    return answer;
  }

  async begin(profileFile?: string): Promise<void> {
    await this.request({ type: 'begin', ...(profileFile && { profileFile }) }, 'begun');
  }

  async end(): Promise<WindowReport> {
    return (await this.request({ type: 'end' }, 'window'))['report'] as WindowReport;
  }

  async ask<T>(what: string): Promise<T> {
    return (await this.request({ type: 'ask', what }, 'answer'))['value'] as T;
  }

  send(message: Message): void {
    this.process.send(message);
  }

  /** SIGTERM (the app flushes and closes), then waits for the exit. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGTERM');
    await this.exited;
  }
}
