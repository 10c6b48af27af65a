/** Where a Bicep value or declaration comes from: a file relative to the checked root, and a 1-based line. */
export interface Loc {
  readonly file: string;
  readonly line: number;
}

/** One finding of the template checker. */
export interface Diagnostic extends Loc {
  readonly message: string;
}

/** `file:line: message`, the shape editors and CI logs link to. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}: ${d.message}`;
}

/** Collects findings once each: the same file, line and message from two scenarios is one finding. */
export class Diagnostics {
  private readonly seen = new Map<string, Diagnostic>();

  add(at: Loc, message: string): void {
    const d = { file: at.file, line: at.line, message };
    this.seen.set(formatDiagnostic(d), d);
  }

  get list(): Diagnostic[] {
    return [...this.seen.values()];
  }
}
