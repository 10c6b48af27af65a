/** Structured logging port: the Functions app adapts InvocationContext to it, the local stack prints. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export const consoleLogger: Logger = {
  info: (m, f) => console.log(format(m, f)),
  warn: (m, f) => console.warn(format(m, f)),
  error: (m, f) => console.error(format(m, f)),
};

function format(message: string, fields?: Record<string, unknown>): string {
  return fields && Object.keys(fields).length > 0 ? `${message} ${JSON.stringify(fields)}` : message;
}

/** A logger that keeps lines, for tests that assert on what was logged. */
export class MemoryLogger implements Logger {
  readonly lines: { level: 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> }[] = [];
  info(message: string, fields?: Record<string, unknown>): void { this.lines.push({ level: 'info', message, ...(fields && { fields }) }); }
  warn(message: string, fields?: Record<string, unknown>): void { this.lines.push({ level: 'warn', message, ...(fields && { fields }) }); }
  error(message: string, fields?: Record<string, unknown>): void { this.lines.push({ level: 'error', message, ...(fields && { fields }) }); }
}
