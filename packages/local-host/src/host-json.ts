import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** host.json, loosely typed: only the parts the local host reads are given shapes. */
export interface HostJson {
  version?: string;
  extensions?: {
    http?: { routePrefix?: string };
    eventHubs?: EventHubsHostOptions;
    [extension: string]: unknown;
  };
  [key: string]: unknown;
}

export interface EventHubsHostOptions {
  maxEventBatchSize?: number;
  minEventBatchSize?: number;
  maxWaitTime?: string;
  prefetchCount?: number;
  batchCheckpointFrequency?: number;
  initialOffsetOptions?: { type?: string; enqueuedTimeUtc?: string };
  [key: string]: unknown;
}

export function readHostJson(appDir: string): HostJson {
  const path = join(appDir, 'host.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object') throw new Error('not an object');
    return parsed as HostJson;
  } catch (error) {
    throw new Error(`${path} is not a valid host.json: ${(error as Error).message}`);
  }
}

/** Parses a .NET TimeSpan string ("hh:mm:ss", "d.hh:mm:ss", fractions allowed) to milliseconds. */
export function parseTimeSpan(text: string, where: string): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`${where}: "${text}" is not a TimeSpan like "00:01:00"`);
  const [, days, hours, minutes, seconds, fraction] = match;
  const fractionMs = fraction ? Number(`0.${fraction}`) * 1000 : 0;
  return ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000 + fractionMs;
}
