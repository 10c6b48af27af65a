import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { startStack, type Stack } from '#dev/stack.js';
import { parseSmokeOptions } from '../../smoke/smoke-options.js';
import { silentLogger } from '#sluice/util/log.js';
import { singleStreamAppDir } from '../app/single-stream-app/app-dir.js';

const SMOKE = fileURLToPath(new URL('../../smoke/smoke.js', import.meta.url));
let stack: Stack;

before(async () => {
  stack = await startStack({
    appDir: singleStreamAppDir(),
    port: 0, hubPort: 0, partitions: 2, log: silentLogger,
    settings: { SLUICE_STREAM_NAME: 'smoke', SLUICE_BATCH_INTERVAL: '1s', SLUICE_BLOCK_INTERVAL: '100ms', SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *' },
  });
});
after(() => stack.stop());

/** Runs `npm run smoke`'s entry as a user would, in its own process; the bound is a failure guard. */
function smoke(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SMOKE, ...args], { timeout: 240_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const connection = (): string[] => ['--eventhub-connection', stack.eventHubConnectionString!, '--storage-connection', stack.storageConnectionString, '--hub', stack.config.eventHubName, '--app-url', stack.host.url];

test('the smoke command passes against the local stack: edge cases byte-exact in blocks and dead letters, sink totals, status', async () => {
  const run = await smoke([...connection(), '--stream', 'smoke', '--seed', '3', '--count', '150', '--timeout', '3m']);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  const lines = run.stdout.split('\n').filter((l) => /^(PASS|FAIL) /.test(l));
  assert.ok(lines.length >= 25, run.stdout);
  assert.ok(lines.every((l) => l.startsWith('PASS')), run.stdout);
  for (const name of ['blocks: non-UTF-8 bytes', 'dead letters: JSON with an integer above 2^53', 'dead letters: a 1 MiB body', 'sink totals match the workload', 'status API answers']) {
    assert.ok(lines.some((l) => l.startsWith(`PASS  ${name}:`)), `${name} passed\n${run.stdout}`);
  }
});

test('the smoke command fails, per check and with a non-zero exit, when the stream is not the one running', async () => {
  const run = await smoke([...connection(), '--stream', 'not-running', '--count', '5', '--timeout', '3s']);
  assert.equal(run.code, 1, run.stdout);
  assert.match(run.stdout, /^FAIL  blocks: empty body: not found before the timeout/m);
  assert.match(run.stdout, /smoke: \d+ of \d+ checks failed/);
});

test('smoke options: bad or missing options name the option and the rule', () => {
  assert.throws(() => parseSmokeOptions([]), /option --namespace is required/);
  assert.throws(() => parseSmokeOptions(['--eventhub-connection', 'Endpoint=sb://x/;EntityPath=h']), /option --storage-connection is required/);
  assert.throws(() => parseSmokeOptions(['--eventhub-connection', 'a', '--storage-connection', 'b', '--count', '0']), /--count "0" is invalid: an integer of at least 1/);
  assert.throws(() => parseSmokeOptions(['--eventhub-connection', 'a', '--storage-connection', 'b', '--timeout', 'soon']), /--timeout "soon" is invalid/);
  assert.throws(() => parseSmokeOptions(['--colour', 'red']), /unknown option --colour/);
  const o = parseSmokeOptions(['--app-url', 'https://app.azurewebsites.net/', '--namespace', 'ns.servicebus.windows.net', '--hub', 'pageviews', '--storage-account', 'acct']);
  assert.deepEqual(o.target, { kind: 'identity', namespace: 'ns.servicebus.windows.net', hub: 'pageviews', storageAccount: 'acct' });
  assert.equal(o.appUrl, 'https://app.azurewebsites.net');
});
