import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { moduleImports } from './import-specifiers.js';

/** Every file under `dir`, as paths relative to it with `/` separators, `node_modules` excluded or not. */
export function filesUnder(dir: string, options: { skipNodeModules: boolean }): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!(options.skipNodeModules && entry.name === 'node_modules')) walk(path);
      } else out.push(path);
    }
  };
  walk('');
  return out;
}

/** Names of the packages installed anywhere in `dir`'s node_modules, nested ones included. */
export function installedPackages(dir: string): Set<string> {
  const names = new Set<string>();
  const scan = (modules: string): void => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@');
      for (const name of scoped ? readdirSync(join(modules, entry)).map((n) => `${entry}/${n}`) : [entry]) {
        const pkgDir = join(modules, ...name.split('/'));
        if (!existsSync(join(pkgDir, 'package.json'))) continue;
        names.add(name);
        scan(join(pkgDir, 'node_modules'));
      }
    }
  };
  scan(join(dir, 'node_modules'));
  return names;
}

/** One import of one module that Node could not resolve to a file inside the stage. */
export interface ImportProblem {
  readonly file: string;
  readonly specifier: string;
  readonly problem: string;
}

// Run in a child from the stage folder: the parent-URL argument of import.meta.resolve needs
// --experimental-import-meta-resolve, and a fresh process resolves with nothing cached.
const RESOLVER = `
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const out = [];
for (const { file, specifier } of JSON.parse(readFileSync(0, 'utf8'))) {
  try { out.push({ file, specifier, url: import.meta.resolve(specifier, pathToFileURL(file).href) }); }
  catch (e) { out.push({ file, specifier, error: String(e?.code ?? e) }); }
}
process.stdout.write(JSON.stringify(out));
`;

/**
 * Resolves every import of the given ES modules with Node's own resolver, from inside `stage`, and
 * returns those that fail, land outside the stage, or name a file that is not there. A module
 * whose dynamic import is computed cannot be checked, so it is a problem too.
 */
export async function unresolvedImports(stage: string, files: readonly string[]): Promise<ImportProblem[]> {
  const problems: ImportProblem[] = [];
  const requests: { file: string; specifier: string }[] = [];
  for (const file of files) {
    const { specifiers, computed } = await moduleImports(readFileSync(file, 'utf8'), file);
    if (computed > 0) problems.push({ file: relative(stage, file), specifier: '(computed)', problem: `${computed} dynamic import(s) with a computed specifier` });
    for (const specifier of specifiers) requests.push({ file, specifier });
  }
  const child = spawnSync(process.execPath, ['--experimental-import-meta-resolve', '--no-warnings', '--input-type=module', '-e', RESOLVER], {
    cwd: stage,
    input: JSON.stringify(requests),
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`the resolver child failed (${String(child.status ?? child.signal)}): ${child.stderr}`);
  const results = JSON.parse(child.stdout) as { file: string; specifier: string; url?: string; error?: string }[];
  for (const { file, specifier, url, error } of results) {
    const where = relative(stage, file);
    if (error !== undefined || url === undefined) problems.push({ file: where, specifier, problem: error ?? 'no result' });
    else if (url.startsWith('node:')) continue;
    else if (!url.startsWith('file:')) problems.push({ file: where, specifier, problem: `resolves to ${url}` });
    else {
      const target = fileURLToPath(url);
      if (!target.startsWith(stage + sep)) problems.push({ file: where, specifier, problem: `resolves outside the stage, to ${target}` });
      else if (!existsSync(target) || !statSync(target).isFile()) problems.push({ file: where, specifier, problem: `resolves to ${relative(stage, target)}, which is not in the stage` });
    }
  }
  return problems;
}
