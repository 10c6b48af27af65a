import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir))) {
    const rel = `${dir}/${entry}`;
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every module specifier a file imports or re-exports, static or dynamic, but not relative ones. */
function bareImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)|require\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  return found.filter((s) => !s.startsWith('.'));
}

/** The package a specifier names: '@scope/name/sub' -> '@scope/name', 'name/sub' -> 'name'. */
const packageOf = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
const builtin = (spec: string): boolean => spec.startsWith('node:') || builtinModules.includes(spec);

/** Each package, what it may import of Sluice's own packages, and its manifest. */
const PACKAGES = [
  { dir: 'packages/sluice', own: [] as string[] },
  { dir: 'packages/dev-hub', own: ['sluice'] },
  { dir: 'packages/local-host', own: ['sluice'] },
  { dir: 'packages/local-durable', own: ['sluice', 'sluice/internal', '@sluice/local-host'] },
  { dir: 'packages/dev', own: ['sluice', 'sluice/internal', '@sluice/dev-hub', '@sluice/local-host', '@sluice/local-durable'] },
];
const OWN = /^(sluice(\/|$)|@sluice\/|#)/;

describe('which way the imports run', () => {
  for (const pkg of PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(ROOT, pkg.dir, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    // A package may name itself (sluice/testing's declarations refer to the `sluice` entry's types).
    const self = (spec: string): boolean => packageOf(spec) === manifest.name;
    it(`${pkg.dir} imports only the Sluice packages below it, and declares every package it imports`, () => {
      const problems: string[] = [];
      for (const file of sources(`${pkg.dir}/src`)) {
        for (const spec of bareImports(file)) {
          if (builtin(spec) || self(spec) || spec === '@azure/functions-core') continue; // @azure/functions-core: the worker's virtual module, provided by the host
          if (OWN.test(spec) && !pkg.own.includes(spec)) problems.push(`${file} imports ${spec}`);
          if (!declared.has(packageOf(spec))) problems.push(`${file} imports ${spec}, which ${pkg.dir}/package.json does not declare`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }

  it('the engine imports nothing of Azure Functions or Durable Functions: only src/app adapts to them', () => {
    const offenders = sources('packages/sluice/src')
      .filter((f) => !f.startsWith('packages/sluice/src/app/'))
      .flatMap((f) => bareImports(f).filter((s) => /^(@azure\/functions|durable-functions)(\/|$)/.test(s)).map((s) => `${f} imports ${s}`));
    assert.deepEqual(offenders, []);
  });

  it('the sample app imports Sluice only through its public entry, as a user would', () => {
    const offenders = [...sources('functions'), ...sources('sample')]
      .flatMap((f) => bareImports(f).filter((s) => OWN.test(s) && s !== 'sluice').map((s) => `${relative(ROOT, join(ROOT, f))} imports ${s}`));
    assert.deepEqual(offenders, []);
  });

  it('the check sees imports: it finds the dev stack in @sluice/dev and the adapter imports in src/app', () => {
    assert.ok(sources('packages/dev/src').some((f) => bareImports(f).includes('@sluice/local-host')));
    assert.ok(sources('packages/sluice/src/app').some((f) => bareImports(f).some((s) => packageOf(s) === 'durable-functions')));
  });
});
