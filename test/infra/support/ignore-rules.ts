/**
 * The gitignore rules .funcignore follows, enough to ask "does this path reach the zip?":
 * comments, `!` negation, a leading or inner `/` anchoring to the root, a trailing `/` for
 * folders only, and `*`, `**`, `?`. As in git, a file under an ignored folder stays ignored.
 */
interface Rule {
  readonly negate: boolean;
  readonly dirOnly: boolean;
  readonly anchored: boolean;
  readonly re: RegExp;
}

export class IgnoreRules {
  private readonly rules: Rule[];

  constructor(text: string) {
    this.rules = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map(toRule);
  }

  /** Whether a file at this root-relative path (forward slashes) is left out. */
  ignores(path: string): boolean {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const candidate = parts.slice(0, i).join('/');
      const isDir = i < parts.length;
      if (this.matches(candidate, isDir)) return true;
    }
    return false;
  }

  private matches(candidate: string, isDir: boolean): boolean {
    let ignored = false;
    const base = candidate.slice(candidate.lastIndexOf('/') + 1);
    for (const rule of this.rules) {
      if (rule.dirOnly && !isDir) continue;
      if (rule.re.test(rule.anchored ? candidate : base)) ignored = !rule.negate;
    }
    return ignored;
  }
}

function toRule(line: string): Rule {
  const negate = line.startsWith('!');
  let pattern = negate ? line.slice(1) : line;
  const dirOnly = pattern.endsWith('/');
  if (dirOnly) pattern = pattern.slice(0, -1);
  const anchored = pattern.includes('/');
  if (pattern.startsWith('/')) pattern = pattern.slice(1);
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return { negate, dirOnly, anchored, re: new RegExp(`^${re}$`) };
}
