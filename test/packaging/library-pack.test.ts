import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exportTargets, packProblems } from './support/pack-contents.js';
import { SLUICE_DIR } from './support/paths.js';

// What `npm pack` puts in the published `sluice` tarball: the runtime files only. No source maps:
// the maps point at src/*.ts, which the package does not ship, so a map would only send a debugger
// to a missing file; shipping the sources as well would double the package for users who read the
// compiled ES2022, which stays close to the TypeScript it came from.

const pkg = JSON.parse(readFileSync(join(SLUICE_DIR, 'package.json'), 'utf8')) as { exports: unknown };

function packedFiles(): string[] {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: SLUICE_DIR,
    encoding: 'utf8',
    timeout: 60_000,
    shell: process.platform === 'win32',
  });
  assert.equal(r.status, 0, `npm pack --dry-run failed: ${r.stderr}`);
  const [report] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  return report!.files.map((f) => f.path).sort();
}

describe('npm pack of packages/sluice', () => {
  const files = packedFiles();

  it('holds only runtime files: no sources, tests, maps, build state or review files', () => {
    assert.deepEqual(packProblems(files), []);
  });

  it('holds every file its package.json exports points at', () => {
    const targets = exportTargets(pkg.exports);
    assert.ok(targets.includes('dist/index.js') && targets.includes('dist/testing/index.d.ts'), `exports targets: ${targets.join(', ')}`);
    assert.deepEqual(targets.filter((t) => !files.includes(t)), []);
  });

  it("holds the status page's browser modules, which the page reads from disk at run time", () => {
    const browser = join(SLUICE_DIR, 'src', 'status', 'page', 'browser');
    const expected = readdirSync(browser).filter((f) => f.endsWith('.ts')).map((f) => `dist/status/page/browser/${f.replace(/\.ts$/, '.js')}`);
    assert.ok(expected.includes('dist/status/page/browser/app.js'));
    assert.deepEqual(expected.filter((f) => !files.includes(f)), []);
  });

  it('the check flags what must not ship', () => {
    const bad = ['src/index.ts', 'dist/index.js.map', 'dist/.tsbuildinfo', 'dist/test/a.test.js', 'review/sluice.api.md', 'tsconfig.json', 'notes.txt'];
    assert.equal(packProblems(bad).length, bad.length, packProblems(bad).join('\n'));
    assert.deepEqual(packProblems(['dist/index.js', 'dist/index.d.ts', 'package.json']), []);
  });
});
