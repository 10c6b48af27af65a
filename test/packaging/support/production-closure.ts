import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockEntry {
  readonly link?: boolean;
  readonly resolved?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

/**
 * Names of every package the root package's production dependencies reach, read from its
 * package-lock.json the way npm resolves it: a dependency of the package at `path` is the nearest
 * `<ancestor>/node_modules/<name>`, and a workspace link is followed to its folder. The root's
 * devDependencies, and what only they or the private dev-stack workspaces reach, stay out.
 */
export function productionClosure(root: string): Set<string> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const entries = lock.packages;
  const names = new Set<string>();
  const seen = new Set<string>();
  const locate = (name: string, from: string): string | undefined => {
    for (let dir = from; ; dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '') {
      const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (entries[candidate]) return candidate;
      if (!dir) return undefined;
    }
  };
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const entry = entries[path];
    if (!entry) return;
    if (entry.link && entry.resolved) return visit(entry.resolved);
    const deps = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const name of Object.keys(deps)) {
      const found = locate(name, path);
      if (found === undefined) continue; // an optional or peer dependency npm did not install
      names.add(name);
      visit(found);
    }
  };
  visit('');
  return names;
}
