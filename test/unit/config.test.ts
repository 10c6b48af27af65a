import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, readConnection, readLocalSettings } from '#sluice/config/config.js';
import { parseDuration } from '#sluice/config/duration.js';
import { Broken, SETTING_LIST } from '#sluice/config/settings.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

test('defaults: 10 s batches, 200 ms blocks, reliable receiver', () => {
  const c = loadConfig({});
  assert.equal(c.batchIntervalMs, 10_000);
  assert.equal(c.blockIntervalMs, 200);
  assert.equal(c.receiverMode, 'reliable');
  assert.equal(c.maxTasksPerBatch, 8);
  assert.equal(c.maxBlockBytes, 1024 * 1024);
  assert.deepEqual(c.startingPosition, { kind: 'earliest' });
  assert.equal(c.containers.deadLetter, 'sluice-deadletter');
});

test('every setting default passes its own rule', () => {
  for (const s of SETTING_LIST) assert.ok(!(s.parse(s.default) instanceof Broken), `${s.name} default ${s.default}`);
  assert.ok(SETTING_LIST.length >= 18);
});

test('durations accept "10s", "200ms", "1m" and plain milliseconds', () => {
  assert.equal(parseDuration('10s'), 10_000);
  assert.equal(parseDuration('200ms'), 200);
  assert.equal(parseDuration('1m'), 60_000);
  assert.equal(parseDuration('1500'), 1500);
  assert.equal(parseDuration('10x'), undefined);
  const c = loadConfig({ SLUICE_BATCH_INTERVAL: '2s', SLUICE_BLOCK_INTERVAL: '500' });
  assert.equal(c.batchIntervalMs, 2000);
  assert.equal(c.blockIntervalMs, 500);
});

test('a duration like "10x" names the setting, the value and the rule', () => {
  const msg = problemsOf({ SLUICE_BATCH_INTERVAL: '10x' });
  assert.match(msg, /SLUICE_BATCH_INTERVAL="10x" is invalid: a positive duration/);
});

test('a batch interval that is not a multiple of the block interval is rejected', () => {
  const msg = problemsOf({ SLUICE_BATCH_INTERVAL: '1s', SLUICE_BLOCK_INTERVAL: '300ms' });
  assert.match(msg, /SLUICE_BATCH_INTERVAL="1s" is invalid: the batch interval \(1s\) must be a multiple of the block interval \(300ms\); see SLUICE_BLOCK_INTERVAL="300ms"/);
  // Only the block interval set: it is the one blamed, and the default batch interval is named as such.
  assert.match(problemsOf({ SLUICE_BLOCK_INTERVAL: '300ms' }), /SLUICE_BLOCK_INTERVAL="300ms" is invalid: .*; see BatchInterval \(not set, default "10s"\)/);
});

test('container names break Azure rules: which rule is said', () => {
  assert.match(problemsOf({ SLUICE_BLOCKS_CONTAINER: 'Blocks' }), /SLUICE_BLOCKS_CONTAINER="Blocks" is invalid: a blob container name has only lowercase letters, digits and hyphens/);
  assert.match(problemsOf({ SLUICE_OUTPUT_CONTAINER: 'ab' }), /SLUICE_OUTPUT_CONTAINER="ab" is invalid: a blob container name has 3 to 63 characters/);
  assert.match(problemsOf({ SLUICE_STATE_CONTAINER: 'a--b' }), /no two hyphens in a row/);
  assert.match(problemsOf({ SLUICE_PARTIALS_CONTAINER: '-abc' }), /starts and ends with a letter or digit/);
});

test('table names break Azure rules: which rule is said', () => {
  assert.match(problemsOf({ SLUICE_WAL_TABLE: 'sluice-wal' }), /SLUICE_WAL_TABLE="sluice-wal" is invalid: a table name starts with a letter and has only letters and digits/);
  assert.match(problemsOf({ SLUICE_OUTPUT_TABLE: 'tables' }), /reserved/);
});

test('a negative size is rejected', () => {
  assert.match(problemsOf({ SLUICE_MAX_BLOCK_BYTES: '-5' }), /SLUICE_MAX_BLOCK_BYTES="-5" is invalid: a size from 1KiB to 64MiB/);
  assert.equal(loadConfig({ SLUICE_MAX_BLOCK_BYTES: '512KiB' }).maxBlockBytes, 512 * 1024);
});

test('max tasks, receiver mode, starting position and failure policy have rules', () => {
  assert.match(problemsOf({ SLUICE_MAX_TASKS_PER_BATCH: '0' }), /SLUICE_MAX_TASKS_PER_BATCH="0" is invalid: a whole number from 1 to 256/);
  assert.match(problemsOf({ SLUICE_RECEIVER_WAL: 'maybe' }), /SLUICE_RECEIVER_WAL="maybe" is invalid: one of "reliable", "unreliable"/);
  assert.equal(loadConfig({ SLUICE_RECEIVER_WAL: 'false' }).receiverMode, 'unreliable');
  assert.match(problemsOf({ SLUICE_STARTING_POSITION: 'yesterday' }), /SLUICE_STARTING_POSITION="yesterday" is invalid/);
  assert.deepEqual(loadConfig({ SLUICE_STARTING_POSITION: '2026-11-23T10:00:00Z' }).startingPosition, { kind: 'enqueuedTime', time: Date.parse('2026-11-23T10:00:00Z') });
  assert.match(problemsOf({ SLUICE_ON_BATCH_FAILURE: 'ignore' }), /one of "stop", "skip"/);
  assert.match(problemsOf({ SLUICE_STREAM_NAME: 'My Stream' }), /SLUICE_STREAM_NAME="My Stream" is invalid/);
});

test('all problems are reported in one error', () => {
  const msg = problemsOf({ SLUICE_BATCH_INTERVAL: '10x', SLUICE_WAL_TABLE: '1abc' });
  assert.match(msg, /SLUICE_BATCH_INTERVAL/);
  assert.match(msg, /SLUICE_WAL_TABLE/);
});

test('two settings naming one container is an error', () => {
  assert.match(problemsOf({ SLUICE_STATE_CONTAINER: 'sluice-blocks' }), /BlocksContainer \(not set, default "sluice-blocks"\) and SLUICE_STATE_CONTAINER="sluice-blocks" name the same container "sluice-blocks"/);
});

test('local.settings.json Values are read; a broken file is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-settings-'));
  writeFileSync(join(dir, 'local.settings.json'), JSON.stringify({ IsEncrypted: false, Values: { SLUICE_BATCH_INTERVAL: '5s' } }));
  assert.deepEqual(readLocalSettings(dir), { SLUICE_BATCH_INTERVAL: '5s' });
  writeFileSync(join(dir, 'local.settings.json'), '{ nope');
  assert.throws(() => readLocalSettings(dir), /local.settings.json is not valid JSON/);
});

test('connections: a connection string, identity-based settings, or a clear error', () => {
  assert.equal(readConnection('AzureWebJobsStorage', { AzureWebJobsStorage: 'UseDevelopmentStorage=true' }).kind, 'connectionString');
  const id = readConnection('AzureWebJobsStorage', { AzureWebJobsStorage__accountName: 'acct', AzureWebJobsStorage__clientId: 'cid' });
  assert.deepEqual(id, { kind: 'identity', blobServiceUri: 'https://acct.blob.core.windows.net', tableServiceUri: 'https://acct.table.core.windows.net', fullyQualifiedNamespace: undefined, clientId: 'cid' });
  assert.throws(() => readConnection('EventHubConnection', {}), /connection "EventHubConnection" is not set/);
});

test('the retry, batch-bound, gap-fill and event-time settings name the setting, the value and the rule', () => {
  assert.match(problemsOf({ SLUICE_TRANSIENT_RETRY_LIMIT: 'forever' }), /SLUICE_TRANSIENT_RETRY_LIMIT="forever" is invalid: "unlimited", or a positive duration/);
  assert.equal(loadConfig({ SLUICE_TRANSIENT_RETRY_LIMIT: 'unlimited' }).transientRetryLimitMs, Number.POSITIVE_INFINITY);
  assert.equal(loadConfig({ SLUICE_TRANSIENT_RETRY_LIMIT: '30m' }).transientRetryLimitMs, 30 * 60_000);
  assert.match(problemsOf({ SLUICE_RETRY_MAX_DELAY: '0' }), /SLUICE_RETRY_MAX_DELAY="0" is invalid: a positive duration/);
  assert.match(problemsOf({ SLUICE_MAX_EVENTS_PER_PARTITION: '0' }), /SLUICE_MAX_EVENTS_PER_PARTITION="0" is invalid: a whole number from 1 to 100000000/);
  assert.match(problemsOf({ SLUICE_MAX_BYTES_PER_PARTITION: '1KiB' }), /SLUICE_MAX_BYTES_PER_PARTITION="1KiB" is invalid: a size from 64KiB to 1GiB/);
  assert.match(problemsOf({ SLUICE_IDLE_PARTITION_TIMEOUT: 'soon' }), /SLUICE_IDLE_PARTITION_TIMEOUT="soon" is invalid: a positive duration/);
  assert.match(problemsOf({ SLUICE_GAP_CONSUMER_GROUP: 'bad group!' }), /SLUICE_GAP_CONSUMER_GROUP="bad group!" is invalid/);
});
