import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from './support/bicep-reader.js';
import { moduleImports, packageName } from '../packaging/support/import-specifiers.js';
import { productionClosure } from '../packaging/support/production-closure.js';
import { IgnoreRules } from './support/ignore-rules.js';
import { parseMiniYaml, yamlPath } from './support/mini-yaml.js';

// azure.yaml, .funcignore and the prepackage hook that stages the deployment folder.

const STAGE_SCRIPT = join(REPO_ROOT, 'infra', 'scripts', 'stage-package.mjs');

interface StagePlan {
  stageDir: string;
  main: string;
  files: string[];
  packageJson: { dependencies: Record<string, string> } & Record<string, unknown>;
  library: { dir: string; tarball: string };
  problems: string[];
}

function runStage(root: string, ...flags: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [STAGE_SCRIPT, '--root', root, ...flags], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('azure.yaml', () => {
  const yaml = parseMiniYaml(readFileSync(join(REPO_ROOT, 'azure.yaml'), 'utf8'));
  const app = (...keys: string[]): unknown => yamlPath(yaml, 'services', 'app', ...keys);

  it('names the service app: TypeScript on Azure Functions, with an existing project path', () => {
    assert.equal(typeof yaml['name'], 'string');
    assert.equal(app('language'), 'ts');
    assert.equal(app('host'), 'function');
    const project = app('project');
    assert.equal(typeof project, 'string');
    const dir = join(REPO_ROOT, project as string);
    assert.ok(existsSync(dir) && statSync(dir).isDirectory(), `project path ${String(project)} does not exist`);
    assert.ok(existsSync(join(dir, 'package.json')), 'the project path should hold package.json');
  });

  it('ships the folder the prepackage hook stages, with no remote build', () => {
    assert.equal(app('remoteBuild'), 'false');
    const plan = JSON.parse(runStage(REPO_ROOT, '--dry-run').stdout) as StagePlan;
    assert.equal(app('dist'), plan.stageDir);
    for (const os of ['posix', 'windows']) {
      const run = app('hooks', 'prepackage', os, 'run');
      assert.equal(run, 'node infra/scripts/stage-package.mjs', `${os} prepackage hook`);
      assert.ok(existsSync(join(REPO_ROOT, (run as string).split(' ')[1]!)));
      assert.ok(app('hooks', 'prepackage', os, 'shell'), `${os} hook needs a shell for an inline command`);
    }
  });
});

describe('.funcignore', () => {
  const rules = new IgnoreRules(readFileSync(join(REPO_ROOT, '.funcignore'), 'utf8'));
  const kept = [
    'host.json',
    'package.json',
    'package-lock.json',
    'dist/sample/page-view.js',
    'dist/functions/receiver.js',
    'sluice-0.1.0.tgz',
    'node_modules/sluice/dist/index.js',
    'node_modules/@azure/functions/package.json',
    'node_modules/durable-functions/lib/src/index.js',
    'node_modules/@azure/event-hubs/dist/esm/index.js',
  ];
  const dropped = [
    'packages/sluice/src/config/settings.ts',
    'functions/receiver.ts',
    'test/infra/bicep-structure.test.ts',
    'dist/test/infra/bicep-structure.test.js',
    'dist/sample/page-view.js.map',
    'dist/sample/page-view.d.ts',
    'dist/deploy/host.json',
    'tsconfig.json',
    'infra/main.bicep',
    'local.settings.json',
    'local.settings.example.json',
    '.azurite/__blobstorage__/x',
    '.sluice/state.json',
    '.azure/dev/.env',
    '.git/HEAD',
    '.gitignore',
    '.ci/run',
    'azure.yaml',
    'README.md',
  ];

  for (const path of kept) it(`keeps ${path}`, () => assert.equal(rules.ignores(path), false));
  for (const path of dropped) it(`drops ${path}`, () => assert.equal(rules.ignores(path), true));

  it('the matcher itself honours anchors, folders and negation', () => {
    const r = new IgnoreRules('/top/\nlogs/\n*.tmp\n!keep.tmp\n');
    assert.equal(r.ignores('top/a.js'), true);
    assert.equal(r.ignores('dist/top/a.js'), false);
    assert.equal(r.ignores('a/logs/b'), true);
    assert.equal(r.ignores('logs'), false, 'a folder-only rule does not match a file');
    assert.equal(r.ignores('x/y.tmp'), true);
    assert.equal(r.ignores('keep.tmp'), false);
  });
});

describe('infra/scripts/stage-package.mjs', () => {
  const root = mkdtempSync(join(tmpdir(), 'sluice-stage-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, text = ''): void => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  const appPackage = {
    name: 'x',
    version: '1.0.0',
    type: 'module',
    main: 'dist/functions/*.js',
    workspaces: ['packages/sluice', 'packages/dev'],
    imports: { '#sluice/*': './packages/sluice/dist/*' },
    dependencies: { sluice: '^0.1.0', '@azure/functions': '^4.0.0' },
    devDependencies: { '@x/dev': '^0.1.0', typescript: '^5.0.0' },
  };
  write('package.json', JSON.stringify(appPackage));
  write('package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: {} }));
  write('host.json', '{"version":"2.0"}');
  write('dist/functions/receiver.js');
  write('dist/functions/receiver.js.map');
  write('dist/functions/receiver.d.ts');
  write('dist/sample/job.js');
  write('dist/test/infra/a.test.js');
  write('dist/smoke/smoke.js');
  write('functions/receiver.ts');
  write('node_modules/typescript/package.json');
  write('packages/sluice/package.json', JSON.stringify({ name: 'sluice', version: '0.1.0', type: 'module', files: ['dist/**/*.js'] }));
  write('packages/sluice/dist/index.js', 'export {};');
  write('packages/sluice/dist/index.js.map');
  write('packages/sluice/src/index.ts');
  write('packages/dev/package.json', JSON.stringify({ name: '@x/dev', version: '0.1.0', private: true }));

  it('plans host.json and the compiled app, and a package.json with the library from its tarball', () => {
    const r = runStage(root, '--dry-run');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const plan = JSON.parse(r.stdout) as StagePlan;
    assert.deepEqual(plan.files.sort(), ['dist/functions/receiver.js', 'dist/sample/job.js', 'host.json']);
    assert.deepEqual(plan.library, { dir: 'packages/sluice', tarball: 'sluice-0.1.0.tgz' });
    assert.deepEqual(plan.packageJson.dependencies, { sluice: 'file:./sluice-0.1.0.tgz', '@azure/functions': '^4.0.0' });
    for (const field of ['devDependencies', 'workspaces', 'imports', 'scripts']) assert.equal(plan.packageJson[field], undefined, field);
    assert.equal(plan.packageJson['main'], 'dist/functions/*.js');
    assert.deepEqual(plan.problems, []);
  });

  it('copies them into dist/deploy and packs the library there', () => {
    const r = runStage(root, '--skip-build', '--skip-install');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const stage = join(root, 'dist', 'deploy');
    assert.deepEqual(readdirSync(stage).sort(), ['dist', 'host.json', 'package.json', 'sluice-0.1.0.tgz']);
    assert.ok(existsSync(join(stage, 'dist', 'functions', 'receiver.js')));
    assert.ok(existsSync(join(stage, 'dist', 'sample', 'job.js')));
    assert.equal(existsSync(join(stage, 'dist', 'functions', 'receiver.js.map')), false);
    assert.deepEqual(readdirSync(join(stage, 'dist')).sort(), ['functions', 'sample'], 'tests and the smoke check stay out');
    const staged = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(staged['dependencies'], { sluice: 'file:./sluice-0.1.0.tgz', '@azure/functions': '^4.0.0' });
  });

  it('refuses a package with no host.json, a main that matches nothing, a dev-stack dependency or no library', () => {
    write('package.json', JSON.stringify({ ...appPackage, main: 'dist/app/*.js', dependencies: { '@x/dev': '^0.1.0' } }));
    rmSync(join(root, 'host.json'));
    const r = runStage(root, '--skip-build', '--skip-install');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /host\.json is missing/);
    assert.match(r.stderr, /"main" \(dist\/app\/\*\.js\) matches no staged file/);
    assert.match(r.stderr, /"dependencies" has no sluice/);
    assert.match(r.stderr, /"dependencies" has @x\/dev, a private package of the local dev stack/);
  });
});

describe('deployed code imports only production dependencies', () => {
  /** Files matching package.json `main` (a path or a one-level `*` glob). */
  function entryFiles(main: string): string[] {
    const dir = join(REPO_ROOT, dirname(main));
    if (!existsSync(dir)) return [];
    const re = new RegExp(`^${main.split('/').pop()!.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    return readdirSync(dir).filter((f) => re.test(f)).map((f) => join(dir, f));
  }

  /** Bare package names imported by the entry files and every relative module they reach. */
  async function bareImports(entries: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const seen = new Set<string>();
    const queue = [...entries];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const { specifiers } = await moduleImports(readFileSync(file, 'utf8'), file);
      for (const spec of specifiers) {
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (existsSync(target)) queue.push(target);
        } else if (!spec.startsWith('node:') && !spec.startsWith('#') && !builtinModules.includes(spec.split('/')[0]!)) {
          // `#` names go through package.json `imports`; test/packaging/staged-package.test.ts
          // resolves those, and every other import, inside the staged package.
          const name = packageName(spec);
          if (!found.has(name)) found.set(name, relative(REPO_ROOT, file));
        }
      }
    }
    return found;
  }

  it('every package reachable from package.json main is a production dependency', async (t) => {
    const main = String((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main?: unknown }).main ?? '');
    const entries = entryFiles(main);
    if (entries.length === 0) {
      t.skip(`package.json main (${main}) matches no built file yet`);
      return;
    }
    // With workspaces the lock file marks no dev-stack package `dev`, so the test walks the
    // production dependencies itself.
    const production = productionClosure(REPO_ROOT);
    for (const [name, from] of await bareImports(entries)) {
      assert.ok(production.has(name), `${from} imports ${name}, which the production dependencies do not reach: the deployed app would not have it`);
    }
  });

  it('the import scan finds bare, scoped and dynamic imports through relative modules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-imports-'));
    try {
      writeFileSync(join(dir, 'a.js'), "import { x } from './b.js';\nimport 'node:fs';\nexport * from '@azure/functions';\n");
      writeFileSync(join(dir, 'b.js'), "export const x = await import('cron-parser');\nimport path from 'path';\n");
      assert.deepEqual([...(await bareImports([join(dir, 'a.js')])).keys()].sort(), ['@azure/functions', 'cron-parser']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
