import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from './support/bicep-reader.js';
import { IgnoreRules } from './support/ignore-rules.js';
import { parseMiniYaml, yamlPath } from './support/mini-yaml.js';

// azure.yaml, .funcignore and the prepackage hook that stages the deployment folder.

const STAGE_SCRIPT = join(REPO_ROOT, 'infra', 'scripts', 'stage-package.mjs');

interface StagePlan {
  stageDir: string;
  main: string;
  files: string[];
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
    'dist/src/config/settings.js',
    'dist/functions/receiver.js',
    'node_modules/@azure/functions/package.json',
    'node_modules/durable-functions/lib/src/index.js',
    'node_modules/@azure/event-hubs/dist/esm/index.js',
  ];
  const dropped = [
    'src/config/settings.ts',
    'functions/receiver.ts',
    'test/infra/bicep-structure.test.ts',
    'dist/test/infra/bicep-structure.test.js',
    'dist/src/config/settings.js.map',
    'dist/src/config/settings.d.ts',
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
  write('package.json', JSON.stringify({ name: 'x', main: 'dist/functions/*.js', dependencies: {} }));
  write('package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: {} }));
  write('host.json', '{"version":"2.0"}');
  write('dist/functions/receiver.js');
  write('dist/functions/receiver.js.map');
  write('dist/functions/receiver.d.ts');
  write('dist/src/config/settings.js');
  write('dist/test/infra/a.test.js');
  write('src/config/settings.ts');
  write('node_modules/typescript/package.json');

  it('plans only the host files and the compiled app', () => {
    const r = runStage(root, '--dry-run');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const plan = JSON.parse(r.stdout) as StagePlan;
    assert.deepEqual(plan.files.sort(), ['dist/functions/receiver.js', 'dist/src/config/settings.js', 'host.json', 'package-lock.json', 'package.json']);
    assert.deepEqual(plan.problems, []);
  });

  it('copies them into dist/deploy', () => {
    const r = runStage(root, '--skip-build', '--skip-install');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(existsSync(join(root, 'dist', 'deploy', 'dist', 'functions', 'receiver.js')));
    assert.ok(existsSync(join(root, 'dist', 'deploy', 'host.json')));
    assert.equal(existsSync(join(root, 'dist', 'deploy', 'dist', 'functions', 'receiver.js.map')), false);
    assert.equal(existsSync(join(root, 'dist', 'deploy', 'node_modules')), false, 'dev node_modules must not be copied');
  });

  it('refuses a package whose main matches nothing, or that has no host.json', () => {
    write('package.json', JSON.stringify({ name: 'x', main: 'dist/app/*.js' }));
    rmSync(join(root, 'host.json'));
    const r = runStage(root, '--skip-build', '--skip-install');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /host\.json is missing/);
    assert.match(r.stderr, /"main" \(dist\/app\/\*\.js\) matches no staged file/);
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
  function bareImports(entries: string[]): Map<string, string> {
    const found = new Map<string, string>();
    const seen = new Set<string>();
    const queue = [...entries];
    // Statements start a line (tsc keeps them so), which keeps comment text out; specifiers
    // have no spaces. Dynamic import() may sit anywhere.
    const importRes = [
      /^\s*(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"\s]+)['"]/gm,
      /^\s*import\s*['"]([^'"\s]+)['"]/gm,
      /\bimport\(\s*['"]([^'"\s]+)['"]\s*\)/g,
    ];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const spec of importRes.flatMap((re) => [...text.matchAll(re)].map((m) => m[1]!))) {
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (existsSync(target)) queue.push(target);
        } else if (!spec.startsWith('node:') && !builtinModules.includes(spec.split('/')[0]!)) {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!found.has(name)) found.set(name, relative(REPO_ROOT, file));
        }
      }
    }
    return found;
  }

  it('every package reachable from package.json main is installed by npm ci --omit=dev', (t) => {
    const main = String((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main?: unknown }).main ?? '');
    const entries = entryFiles(main);
    if (entries.length === 0) {
      t.skip(`package.json main (${main}) matches no built file yet`);
      return;
    }
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    for (const [name, from] of bareImports(entries)) {
      const entry = lock.packages[`node_modules/${name}`];
      assert.ok(entry, `${from} imports ${name}, which is not in package-lock.json`);
      assert.notEqual(entry.dev, true, `${from} imports ${name}, a devDependency: the deployed app would not have it (move it to dependencies)`);
    }
  });

  it('the import scan finds bare, scoped and dynamic imports through relative modules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-imports-'));
    try {
      writeFileSync(join(dir, 'a.js'), "import { x } from './b.js';\nimport 'node:fs';\nexport * from '@azure/functions';\n");
      writeFileSync(join(dir, 'b.js'), "export const x = await import('cron-parser');\nimport path from 'path';\n");
      assert.deepEqual([...bareImports([join(dir, 'a.js')]).keys()].sort(), ['@azure/functions', 'cron-parser']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
