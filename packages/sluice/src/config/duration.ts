const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration: milliseconds as a number, or a string such as "200ms", "10s", "1m", "2h", "7d", "1500". */
export type Duration = number | string;

/** Parses a duration to whole milliseconds; returns undefined when the text is not a duration. */
export function parseDuration(value: Duration): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** Like parseDuration, but throws a clear error naming what was wrong; for API arguments. */
export function durationMs(value: Duration, what: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) {
    throw new RangeError(`${what}: ${JSON.stringify(value)} is not a positive duration (use ms, or "200ms", "10s", "1m", "2h")`);
  }
  return ms;
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
