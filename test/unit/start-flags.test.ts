import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const start = fileURLToPath(new URL('../../../packages/dev/dist/start.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [start, ...args], { encoding: 'utf8', timeout: 20_000 });

test('npm start: a bad flag value names the flag and the rule, and exits 2 before starting anything', () => {
  const r = run('--port', 'abc');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--port "abc" must be a whole number/);
  assert.match(r.stderr, /--memory/, 'the usage follows');
});

test('npm start: a bad --rate, its own flag, names the flag and the rule like the shared ones', () => {
  const r = run('--rate', '2.5');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--rate "2.5" must be a whole number of at least 0/);
});

test('npm start: an unknown flag is a usage error', () => {
  const r = run('--bogus');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Unknown option '--bogus'/);
});

test('npm start: a broken setting stops it with the config error, naming the setting', () => {
  const r = spawnSync(process.execPath, [start, '--memory', '--port', '0', '--hub-port', '0'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, SLUICE_BATCH_INTERVAL: '10x' } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /SLUICE_BATCH_INTERVAL="10x" is invalid/);
});

const cli = fileURLToPath(new URL('../../../packages/dev/dist/cli.js', import.meta.url));
const sluice = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });

test('sluice dev: a bad flag value names the flag, the value and the rule, and exits 2', () => {
  const r = sluice('dev', '--partitions', '0');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--partitions "0" must be a whole number of at least 1/);
  assert.match(r.stderr, /sluice dev \[options\]/, 'the usage follows');
});

test('sluice: an unknown command is a usage error naming the command', () => {
  const r = sluice('deploy');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command "deploy": the only command is "dev"/);
});

test('sluice dev: a broken setting in the app folder stops it with the config error, naming the setting', () => {
  const r = spawnSync(process.execPath, [cli, 'dev', '--memory', '--port', '0', '--hub-port', '0'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, Sluice__BatchInterval: '10x' } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Sluice__BatchInterval="10x" is invalid/);
});
