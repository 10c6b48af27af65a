import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const GLOB_CHARS = /[*?{[]/;

/** Turns one glob pattern (relative, "/"-separated) into a regex: `**`, `*`, `?`, `{a,b}`. */
function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      // "**/" matches zero or more whole directories.
      out += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) throw new Error(`Unclosed "{" in glob "${pattern}"`);
      out += `(?:${pattern.slice(i + 1, end).split(',').map(escapeRegExp).join('|')})`;
      i = end;
    } else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function walk(dir: string, files: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, files);
    else if (entry.isFile()) files.push(path);
  }
}

/**
 * The files package.json `main` names, relative to `appDir`: one file, or a glob such as
 * "dist/src/functions/*.js" as the v4 model allows. Sorted, so load order is stable.
 */
export function resolveEntryFiles(appDir: string, main: string): string[] {
  const normalized = main.replace(/\\/g, '/');
  if (!GLOB_CHARS.test(normalized)) {
    const file = resolve(appDir, normalized);
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new Error(`package.json main "${main}" does not exist (looked for ${file}); is the app built?`);
    }
    return [file];
  }
  // Walk only from the fixed leading directories, so "../dist/**" does not scan the world.
  const segments = normalized.split('/');
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
  const baseDir = resolve(appDir, segments.slice(0, firstGlob).join('/') || '.');
  const matcher = globToRegExp(segments.slice(firstGlob).join('/'));
  const files: string[] = [];
  if (existsSync(baseDir)) walk(baseDir, files);
  const matched = files.filter((f) => matcher.test(relative(baseDir, f).split(sep).join('/'))).sort();
  if (matched.length === 0) {
    throw new Error(`package.json main "${main}" matches no files under ${baseDir}; is the app built?`);
  }
  return matched;
}
