import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { productionClosure } from './support/production-closure.js';
import { REPO_ROOT } from './support/paths.js';
import { filesUnder, installedPackages, unresolvedImports } from './support/stage-inspection.js';

// The deployment package for real: infra/scripts/stage-package.mjs (the azd prepackage hook)
// stages the built repository into a temp folder, packs the library and installs the production
// dependencies there, as `azd package` does; the tests then read what would be zipped. The temp
// folder sits outside the repository so that no module can resolve through the repository's own
// node_modules.

const STAGE_SCRIPT = join(REPO_ROOT, 'infra', 'scripts', 'stage-package.mjs');
const rootPackage = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  workspaces: string[];
};
const library = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', 'sluice', 'package.json'), 'utf8')) as { name: string; version: string };
const TARBALL = `${library.name}-${library.version}.tgz`;

/** The local dev stack: the private workspace packages and the tools only it and the tests use. */
const devStack = [
  ...rootPackage.workspaces
    .map((dir) => JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as { name: string; private?: boolean })
    .filter((p) => p.private === true)
    .map((p) => p.name),
  'azurite',
  'typescript',
  'playwright-core',
  'cron-parser',
];

/** Packages installed in `dir` that the repository's production dependencies do not reach. */
function strayPackages(dir: string, closure: ReadonlySet<string>): string[] {
  return [...installedPackages(dir)].filter((name) => !closure.has(name)).sort();
}

describe('the staged deployment package', () => {
  const stage = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-staged-')));
  after(() => rmSync(stage, { recursive: true, force: true }));

  before(() => {
    // Bounded: the install reuses npm's cache (--prefer-offline) and the versions of the lock file.
    const r = spawnSync(process.execPath, [STAGE_SCRIPT, '--root', REPO_ROOT, '--skip-build', '--stage', stage], {
      encoding: 'utf8',
      timeout: 150_000,
    });
    assert.equal(r.status, 0, `staging failed (${String(r.status ?? r.signal)}):\n${r.stdout}\n${r.stderr}`);
  });

  it('holds host.json, the package files, the compiled app, the library tarball and node_modules', () => {
    assert.deepEqual(readdirSync(stage).sort(), ['dist', 'host.json', 'node_modules', 'package-lock.json', 'package.json', TARBALL]);
    assert.deepEqual(readdirSync(join(stage, 'dist')).sort(), ['functions', 'sample']);
    assert.ok(existsSync(join(stage, 'dist', 'functions', 'index.js')), 'the app entry (package.json main) is staged');
    const devOnly = filesUnder(stage, { skipNodeModules: true }).filter((f) => /\.(ts|map|tsbuildinfo)$/.test(f) || /(^|\/)test\//.test(f));
    assert.deepEqual(devOnly, [], 'sources, maps, declarations and tests stay out of the app');
  });

  it("package.json lists the app's production dependencies, with the library from the packed tarball", () => {
    const staged = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8')) as Record<string, unknown>;
    const deps = staged['dependencies'] as Record<string, string>;
    assert.deepEqual(Object.keys(deps).sort(), Object.keys(rootPackage.dependencies).sort());
    assert.equal(deps[library.name], `file:./${TARBALL}`);
    assert.equal(staged['devDependencies'], undefined);
    assert.equal(staged['workspaces'], undefined);
    const installed = JSON.parse(readFileSync(join(stage, 'node_modules', library.name, 'package.json'), 'utf8')) as { version: string };
    assert.equal(installed.version, library.version);
  });

  it('installs the versions the repository locks, which the tests ran with', () => {
    type Lock = { packages: Record<string, { version?: string; link?: boolean }> };
    const versions = (lock: Lock): Map<string, Set<string>> => {
      const out = new Map<string, Set<string>>();
      for (const [path, entry] of Object.entries(lock.packages)) {
        if (!path.includes('node_modules/') || entry.link || !entry.version) continue;
        const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
        out.set(name, (out.get(name) ?? new Set()).add(entry.version));
      }
      return out;
    };
    const locked = versions(JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lock);
    const staged = versions(JSON.parse(readFileSync(join(stage, 'package-lock.json'), 'utf8')) as Lock);
    staged.delete(library.name);
    assert.ok(staged.size > 100, `expected the production tree in the staged lock file, found ${staged.size} packages`);
    const unlocked = [...staged].flatMap(([name, vs]) => [...vs].filter((v) => !locked.get(name)?.has(v)).map((v) => `${name}@${v}`));
    assert.deepEqual(unlocked, [], 'staged versions the repository lock file does not hold');
  });

  it('holds nothing of the dev stack and no devDependency', () => {
    const closure = productionClosure(REPO_ROOT);
    // The closure must not already contain what the check is for, or the check below proves nothing.
    for (const name of devStack) assert.equal(closure.has(name), false, `${name} is dev stack, yet the production closure reaches it`);
    const installed = installedPackages(stage);
    assert.deepEqual(devStack.filter((name) => installed.has(name)), [], 'dev-stack packages in the staged node_modules');
    const devOnly = Object.keys(rootPackage.devDependencies).filter((name) => installed.has(name) && !closure.has(name));
    assert.deepEqual(devOnly, [], 'devDependencies in the staged node_modules');
    assert.deepEqual(strayPackages(stage, closure), [], 'packages the production dependencies do not reach');
    const library = filesUnder(join(stage, 'node_modules', 'sluice'), { skipNodeModules: true });
    assert.deepEqual(library.filter((f) => !/^(dist\/.+\.(js|d\.ts)|package\.json|README\.md|LICENSE)$/.test(f)), [], 'the library tarball holds only its runtime files');
  });

  it('every import of every staged module resolves to a file inside the stage', async (t) => {
    const modules = [
      ...filesUnder(join(stage, 'dist'), { skipNodeModules: true }).map((f) => join(stage, 'dist', f)),
      ...filesUnder(join(stage, 'node_modules', 'sluice', 'dist'), { skipNodeModules: true }).map((f) => join(stage, 'node_modules', 'sluice', 'dist', f)),
    ].filter((f) => f.endsWith('.js'));
    assert.ok(modules.length > 50, `expected the app and the library modules, found ${modules.length}`);
    const problems = await unresolvedImports(stage, modules);
    // The sample app's functions/ still reaches library internals through the repository's
    // `imports` map (#sluice/*), which exists only in the workspace; the registration API of
    // issue 13 replaces them with imports of 'sluice'. Until then this check is reported as a
    // TODO with every such import listed; any other unresolved import fails the test.
    const internal = problems.filter((p) => p.specifier.startsWith('#sluice/') && p.file.startsWith('dist/functions/'));
    assert.deepEqual(problems.filter((p) => !internal.includes(p)), []);
    if (internal.length > 0) {
      t.todo(`functions/ imports ${internal.length} library internals through #sluice/*, which do not resolve in the deployed package`);
      assert.deepEqual(internal, []);
    }
  });
});

describe('the staged-package checks catch what they are for', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-stage-probe-')));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string): void => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };

  it('a dev-stack package in node_modules is a stray package', () => {
    write('node_modules/@azure/functions/package.json', '{"name":"@azure/functions"}');
    write('node_modules/azurite/package.json', '{"name":"azurite"}');
    write('node_modules/@azure/functions/node_modules/typescript/package.json', '{"name":"typescript"}');
    assert.deepEqual(strayPackages(dir, new Set(['@azure/functions'])), ['azurite', 'typescript']);
  });

  it('an import of a package that is not installed, or of a missing file, does not resolve', async () => {
    write('package.json', '{"type":"module"}');
    write('node_modules/@azure/functions/package.json', '{"name":"@azure/functions","type":"module","exports":"./index.js"}');
    write('node_modules/@azure/functions/index.js', 'export {};');
    write('dist/app.js', "import '@azure/functions';\nimport { x } from './gone.js';\nexport const y = await import('rhea');\nexport const z = (n) => import(n);\n");
    const problems = await unresolvedImports(dir, [join(dir, 'dist', 'app.js')]);
    assert.deepEqual(
      problems.map((p) => p.specifier).sort(),
      ['(computed)', './gone.js', 'rhea'],
      JSON.stringify(problems, null, 2),
    );
  });
});
