import type { Clock } from 'sluice';
import type { InvokeDetailed, RegisteredFunction } from './invoke.js';
import { invokeWithRetry, retryPolicyOf } from './retry-policy.js';
import { parseTimerSchedule, type TimerSchedule } from './timer-schedule.js';

export interface TimerSchedulerOptions {
  /** Only timer-triggered functions are scheduled; others are ignored. */
  functions: readonly RegisteredFunction[];
  invokeDetailed: InvokeDetailed;
  clock: Clock;
  /** IANA zone for cron schedules (the host reads WEBSITE_TIME_ZONE); UTC by default. */
  timeZone?: string;
}

export interface TimerScheduler {
  /** Stops scheduling; resolves once running invocations have finished. */
  stop(): Promise<void>;
}

const MAX_SLEEP_MS = 24 * 3600 * 1000;

/** The .NET DateTime.MinValue the host reports as "last" before a timer has ever run. */
const NEVER = '0001-01-01T00:00:00';

/** The timer payload in the host's casing; the library camel-cases it into the `Timer` type. */
function timerPayload(isPastDue: boolean, last: number | undefined, next: number): Record<string, unknown> {
  const lastText = last === undefined ? NEVER : new Date(last).toISOString();
  return {
    Schedule: { AdjustForDST: true },
    ScheduleStatus: { Last: lastText, Next: new Date(next).toISOString(), LastUpdated: lastText },
    IsPastDue: isPastDue,
  };
}

export function startTimerScheduler(options: TimerSchedulerOptions): TimerScheduler {
  const timers = options.functions.filter((f) => f.trigger.type.toLowerCase() === 'timertrigger');
  // Parse every schedule before starting any loop, so a bad one fails startup cleanly.
  const schedules = timers.map((fn) => {
    if (typeof fn.trigger.schedule !== 'string') throw new Error(`Timer function "${fn.name}" has no schedule`);
    return { fn, schedule: parseTimerSchedule(fn.trigger.schedule, options.timeZone) };
  });
  const abort = new AbortController();
  const loops = schedules.map(({ fn, schedule }) => runTimer(fn, schedule, options, abort.signal));
  return {
    async stop() {
      abort.abort();
      await Promise.all(loops);
    },
  };
}

async function runTimer(
  fn: RegisteredFunction,
  schedule: TimerSchedule,
  options: TimerSchedulerOptions,
  signal: AbortSignal,
): Promise<void> {
  const { clock } = options;
  const retry = retryPolicyOf(fn.metadata);
  const fire = async (isPastDue: boolean, last: number | undefined, next: number): Promise<void> => {
    try {
      await invokeWithRetry(options.invokeDetailed, fn.name, { triggerValue: timerPayload(isPastDue, last, next) }, retry, clock, signal);
    } catch {
      // The invoker printed the failure; a timer keeps its schedule regardless.
    }
  };

  let last: number | undefined;
  if (fn.trigger.runOnStartup === true) {
    const now = clock.now();
    await fire(false, undefined, schedule.nextAfter(now));
    last = now;
  }
  let due = schedule.nextAfter(clock.now());
  while (!signal.aborted) {
    const now = clock.now();
    if (now < due) {
      // Sleep in bounded steps: setTimeout fires at once beyond ~24.8 days, which would fire a
      // yearly timer early; re-checking the time after each step keeps firings on schedule.
      await clock.sleepUntil(Math.min(due, now + MAX_SLEEP_MS), signal);
      continue;
    }
    // Past due means an occurrence was missed while the timer could not run; only then, as in the host.
    const isPastDue = schedule.nextAfter(due) <= clock.now();
    await fire(isPastDue, last, schedule.nextAfter(Math.max(due, clock.now())));
    last = due;
    // Occurrences missed during a long run are skipped, not queued up.
    due = schedule.nextAfter(Math.max(due, clock.now()));
  }
}
