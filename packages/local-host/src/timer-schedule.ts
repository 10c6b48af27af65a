import { CronExpressionParser } from 'cron-parser';
import { parseTimeSpan } from './host-json.js';

/** A timer trigger's schedule: the next occurrence strictly after a time (epoch ms). */
export interface TimerSchedule {
  readonly text: string;
  nextAfter(time: number): number;
}

/**
 * Parses a timer schedule as the host does: a 6-field NCRONTAB expression (with seconds), or a
 * TimeSpan ("hh:mm:ss", an interval, which the host allows on App Service plans).
 * Cron times are in `timeZone` (WEBSITE_TIME_ZONE), UTC by default.
 */
export function parseTimerSchedule(text: string, timeZone = 'UTC'): TimerSchedule {
  const trimmed = text.trim();
  if (/^(?:\d+\.)?\d{1,2}:\d{1,2}:\d{1,2}$/.test(trimmed)) {
    const interval = parseTimeSpan(trimmed, `Timer schedule "${text}"`);
    if (interval <= 0) throw new Error(`Timer schedule "${text}" must be a positive interval`);
    return { text, nextAfter: (time) => time + interval };
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `Timer schedule "${text}" has ${fields.length} fields; Azure Functions uses 6-field NCRONTAB ` +
        '"{second} {minute} {hour} {day} {month} {day-of-week}"',
    );
  }
  // Parse once up front so a bad expression fails at startup, not at the first firing.
  CronExpressionParser.parse(trimmed, { tz: timeZone, currentDate: new Date(0) });
  return {
    text,
    nextAfter(time) {
      return CronExpressionParser.parse(trimmed, { tz: timeZone, currentDate: new Date(time) }).next().getTime();
    },
  };
}
