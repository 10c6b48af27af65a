import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A reader for the small subset of Bicep that infra/ uses, because the Bicep CLI cannot be
 * installed here. It reads declarations line by line; it is not a parser, so the files keep to
 * one declaration (or object entry) per line, which the tests enforce by failing loudly when a
 * shape is not understood.
 */

/** The repository root: tests run from dist/test/infra/, three levels below it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const INFRA_DIR = join(REPO_ROOT, 'infra');

export interface BicepFile {
  readonly path: string;
  /** Path relative to the repository root, for messages. */
  readonly name: string;
  readonly text: string;
  /** The text with comments blanked out (strings kept), same line numbering. */
  readonly code: string;
}

export interface BicepParam {
  readonly name: string;
  readonly type: string;
  /** The default's source text, or undefined when the param has none. */
  readonly defaultExpr: string | undefined;
  /** Decorator source texts, e.g. "@description('...')". */
  readonly decorators: readonly string[];
  readonly line: number;
}

export interface BicepOutput {
  readonly name: string;
  readonly type: string;
  readonly expr: string;
  readonly decorators: readonly string[];
}

export function readBicep(path: string): BicepFile {
  const text = readFileSync(path, 'utf8');
  return { path, name: relative(REPO_ROOT, path), text, code: stripComments(text) };
}

/** Every file under infra/ (recursively) with the given extension. */
export function infraFiles(extension: string, dir: string = INFRA_DIR): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...infraFiles(extension, full));
    else if (entry.endsWith(extension)) out.push(full);
  }
  return out.sort();
}

/** Blanks // and /* *\/ comments outside single-quoted strings, keeping newlines. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (inString) {
      out += c;
      if (c === '\\' && next !== undefined) {
        out += next;
        i += 2;
        continue;
      }
      if (c === "'") inString = false;
      i++;
    } else if (c === "'") {
      inString = true;
      out += c;
      i++;
    } else if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] === '\n') out += '\n';
        i++;
      }
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Net count of opening minus closing brackets outside strings. */
function bracketDepth(line: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === "'") inString = false;
    } else if (c === "'") inString = true;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return depth;
}

/** Top-level declarations of a kind (param, output), each with the decorators right above it. */
function declarations(file: BicepFile, keyword: 'param' | 'output'): { decl: string; decorators: string[]; line: number }[] {
  const lines = file.code.split('\n');
  const found: { decl: string; decorators: string[]; line: number }[] = [];
  let pending: string[] = [];
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const atTop = depth === 0;
    depth += bracketDepth(line);
    if (!atTop) {
      if (pending.length > 0) pending[pending.length - 1] += `\n${line}`;
      continue;
    }
    if (line === '') continue;
    if (line.startsWith('@')) pending.push(line);
    else {
      if (line.startsWith(`${keyword} `)) found.push({ decl: line, decorators: pending, line: i + 1 });
      pending = [];
    }
  }
  return found;
}

export function params(file: BicepFile): BicepParam[] {
  return declarations(file, 'param').map(({ decl, decorators, line }) => {
    const m = /^param\s+([A-Za-z_][A-Za-z0-9_]*)\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s*=\s*(.+))?$/.exec(decl);
    if (!m) throw new Error(`${file.name}:${line}: cannot read param declaration "${decl}"`);
    return { name: m[1]!, type: m[2]!, defaultExpr: m[3]?.trim(), decorators, line };
  });
}

export function outputs(file: BicepFile): BicepOutput[] {
  return declarations(file, 'output').map(({ decl, decorators, line }) => {
    const m = /^output\s+([A-Za-z_][A-Za-z0-9_]*)\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/.exec(decl);
    if (!m) throw new Error(`${file.name}:${line}: cannot read output declaration "${decl}"`);
    return { name: m[1]!, type: m[2]!, expr: m[3]!.trim(), decorators };
  });
}

/** One-line `var name = <expr>` declarations (object and array vars are read with objectVar). */
export function simpleVars(file: BicepFile): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of file.code.split('\n')) {
    const m = /^var\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/.exec(line.trim());
    if (m && bracketDepth(m[2]!) === 0) vars.set(m[1]!, m[2]!.trim());
  }
  return vars;
}

/**
 * The entries of `var <name> = { ... }`, one `key: expr` per line. Throws when the var is
 * missing or an entry spans lines, so a reshaped file fails the tests instead of passing them.
 */
export function objectVar(file: BicepFile, name: string): Map<string, string> {
  return objectBlock(file, new RegExp(`^var\\s+${name}\\s*=\\s*\\{$`), `var ${name}`);
}

/** The entries of a `<key>: {` block nested anywhere, e.g. a module's `params: {`. */
export function objectBlock(file: BicepFile, opener: RegExp, what: string, from = 0): Map<string, string> {
  const lines = file.code.split('\n');
  const start = lines.findIndex((l, i) => i >= from && opener.test(l.trim()));
  if (start < 0) throw new Error(`${file.name}: ${what} not found`);
  const entries = new Map<string, string>();
  let depth = 1;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const before = depth;
    depth += bracketDepth(line);
    if (depth <= 0) return entries;
    if (before !== 1) continue;
    const m = /^'?([A-Za-z_][A-Za-z0-9_]*)'?\s*:\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${file.name}:${i + 1}: cannot read entry "${line}" of ${what}`);
    entries.set(m[1]!, m[2]!.trim());
  }
  throw new Error(`${file.name}: ${what} is not closed`);
}

/** The items of an array written one per line after `<key>: [` inside the given block text. */
export function arrayItems(file: BicepFile, key: string): string[] {
  const lines = file.code.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^${key}\\s*:\\s*\\[$`).test(l.trim()));
  if (start < 0) throw new Error(`${file.name}: array "${key}: [" not found`);
  const items: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === ']') return items;
    if (line !== '') items.push(line);
  }
  throw new Error(`${file.name}: array "${key}" is not closed`);
}

/** Paths of `module <symbol> '<path>'` references, with their symbols. */
export function modules(file: BicepFile): { symbol: string; path: string }[] {
  const found: { symbol: string; path: string }[] = [];
  for (const m of file.code.matchAll(/^\s*module\s+([A-Za-z_][A-Za-z0-9_]*)\s+'([^']+)'/gm)) {
    found.push({ symbol: m[1]!, path: m[2]! });
  }
  return found;
}

/** Identifiers an expression refers to (outside string literals, but inside ${...}). */
export function identifiers(expr: string): string[] {
  const names: string[] = [];
  const scan = (code: string): void => {
    for (const m of code.matchAll(/[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/g)) names.push(m[0]);
  };
  let code = '';
  let i = 0;
  while (i < expr.length) {
    if (expr[i] === "'") {
      scan(code);
      code = '';
      i++;
      while (i < expr.length && expr[i] !== "'") {
        if (expr[i] === '\\') i += 2;
        else if (expr[i] === '$' && expr[i + 1] === '{') {
          const end = expr.indexOf('}', i);
          scan(expr.slice(i + 2, end));
          i = end + 1;
        } else i++;
      }
      i++;
    } else code += expr[i++];
  }
  scan(code);
  return names;
}

export type Lookup = (name: string) => string | undefined;

/**
 * The string an app-setting expression yields at deploy time when every param keeps its
 * default: literals, param and var names, '${...}' interpolation and string(x). Undefined for
 * anything else (module outputs, functions of resources), which the caller reports.
 */
export function evaluate(expr: string, lookup: Lookup): string | undefined {
  const e = expr.trim();
  if (/^-?\d+$/.test(e)) return e;
  if (e === 'true' || e === 'false') return e;
  const str = /^'((?:[^'\\]|\\.)*)'$/.exec(e);
  if (str) {
    let out = '';
    const body = str[1]!;
    for (let i = 0; i < body.length; i++) {
      const c = body[i]!;
      if (c === '\\') {
        out += body[++i] ?? '';
      } else if (c === '$' && body[i + 1] === '{') {
        const end = body.indexOf('}', i);
        const inner = evaluate(body.slice(i + 2, end), lookup);
        if (inner === undefined) return undefined;
        out += inner;
        i = end;
      } else out += c;
    }
    return out;
  }
  const call = /^string\((.+)\)$/.exec(e);
  if (call) return evaluate(call[1]!, lookup);
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(e)) {
    const target = lookup(e);
    return target === undefined ? undefined : evaluate(target, lookup);
  }
  return undefined;
}
