import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSettingNames, ConfigError, loadConfig, loadStreamConfig, settingSources, streamsInSettings } from '#sluice/config/config.js';
import { SETTING_LIST, SETTINGS } from '#sluice/config/settings.js';

function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

describe('loadStreamConfig: the lookup order', () => {
  const env = {
    Sluice__Streams__orders__BatchInterval: '5s',
    Sluice__BatchInterval: '20s',
    SLUICE_BATCH_INTERVAL: '30s',
    Sluice__MaxTasksPerBatch: '4',
    SLUICE_MAX_TASKS_PER_BATCH: '16',
    SLUICE_ON_BATCH_FAILURE: 'skip',
  };

  it('per-stream beats shared beats legacy beats default', () => {
    const orders = loadStreamConfig('orders', env);
    assert.equal(orders.batchIntervalMs, 5_000);
    assert.equal(orders.maxTasksPerBatch, 4);
    assert.equal(orders.onBatchFailure, 'skip');
    assert.equal(orders.blockIntervalMs, 200);
    const clicks = loadStreamConfig('clicks', env);
    assert.equal(clicks.batchIntervalMs, 20_000, 'a stream without its own value takes the shared one');
    assert.equal(clicks.maxTasksPerBatch, 4);
    const legacyOnly = loadStreamConfig('clicks', { SLUICE_BATCH_INTERVAL: '30s' });
    assert.equal(legacyOnly.batchIntervalMs, 30_000);
  });

  it('settingSources names the setting each value came from', () => {
    const sources = settingSources('orders', env);
    assert.deepEqual(sources.batchIntervalMs, { key: 'BatchInterval', source: 'stream', setting: 'Sluice__Streams__orders__BatchInterval', raw: '5s' });
    assert.deepEqual(sources.maxTasksPerBatch, { key: 'MaxTasksPerBatch', source: 'shared', setting: 'Sluice__MaxTasksPerBatch', raw: '4' });
    assert.deepEqual(sources.onBatchFailure, { key: 'OnBatchFailure', source: 'legacy', setting: 'SLUICE_ON_BATCH_FAILURE', raw: 'skip' });
    assert.deepEqual(sources.blockIntervalMs, { key: 'BlockInterval', source: 'default', raw: '200ms' });
    // Every setting but the name of an app's one stream, which for a registered stream is the name in code.
    assert.deepEqual(Object.keys(sources).sort(), Object.keys(SETTINGS).filter((k) => k !== 'streamName').sort());
  });

  it('an empty value counts as not set and the next level answers', () => {
    const c = loadStreamConfig('orders', { Sluice__Streams__orders__BatchInterval: ' ', Sluice__BatchInterval: '4s' });
    assert.equal(c.batchIntervalMs, 4_000);
  });

  it('app-scoped settings are one per app: shared, then legacy, then default', () => {
    const env2 = { Sluice__SupervisorSchedule: '0 */5 * * * *', SLUICE_WAL_TABLE: 'legacywal' };
    for (const stream of ['orders', 'clicks']) {
      const c = loadStreamConfig(stream, env2);
      assert.equal(c.supervisorSchedule, '0 */5 * * * *');
      assert.equal(c.tables.wal, 'legacywal');
      assert.equal(c.storageConnectionName, 'AzureWebJobsStorage');
    }
  });

  it('every setting has a PascalCase key, a scope and its legacy SLUICE_ name', () => {
    const keys = new Set<string>();
    for (const s of SETTING_LIST) {
      assert.match(s.key, /^[A-Z][A-Za-z]+$/, `${s.legacyName}: key ${s.key}`);
      assert.ok(s.scope === 'stream' || s.scope === 'app');
      assert.match(s.legacyName, /^SLUICE_[A-Z_]+$/);
      assert.ok(!keys.has(s.key.toLowerCase()), `key ${s.key} twice`);
      keys.add(s.key.toLowerCase());
    }
  });
});

describe('loadStreamConfig: errors name the exact setting', () => {
  const rule = /is invalid: a positive duration: milliseconds/;

  it('at each level of the lookup', () => {
    const perStream = problemsOf(() => loadStreamConfig('orders', { Sluice__Streams__orders__BatchInterval: '7x', Sluice__BatchInterval: '5s' }));
    assert.match(perStream, /Sluice__Streams__orders__BatchInterval="7x" is invalid: a positive duration/);
    assert.doesNotMatch(perStream, /Sluice__BatchInterval=/);
    assert.match(problemsOf(() => loadStreamConfig('orders', { Sluice__BatchInterval: '7x' })), /Sluice__BatchInterval="7x" is invalid: a positive duration/);
    assert.match(problemsOf(() => loadStreamConfig('orders', { SLUICE_BATCH_INTERVAL: '7x' })), /SLUICE_BATCH_INTERVAL="7x" is invalid: a positive duration/);
    assert.match(problemsOf(() => loadStreamConfig('orders', { sluice__streams__Orders__batchinterval: '7x' })), /sluice__streams__Orders__batchinterval="7x" /);
    assert.match(problemsOf(() => loadStreamConfig('orders', { Sluice__BatchInterval: '7x' })), rule);
  });

  it('a stream\'s bad value does not break another stream', () => {
    const env = { Sluice__Streams__orders__MaxTasksPerBatch: '0' };
    assert.match(problemsOf(() => loadStreamConfig('orders', env)), /Sluice__Streams__orders__MaxTasksPerBatch="0" is invalid: a whole number from 1 to 256/);
    assert.equal(loadStreamConfig('clicks', env).maxTasksPerBatch, 8);
  });

  it('cross-setting rules name every setting involved, whatever level gave it', () => {
    assert.match(
      problemsOf(() => loadStreamConfig('orders', { Sluice__Streams__orders__BatchInterval: '1s', Sluice__BlockInterval: '300ms' })),
      /Sluice__Streams__orders__BatchInterval="1s" is invalid: the batch interval \(1s\) must be a multiple of the block interval \(300ms\); see Sluice__BlockInterval="300ms"/,
    );
    assert.match(
      problemsOf(() => loadStreamConfig('orders', { Sluice__Streams__orders__GapConsumerGroup: 'sluice', Sluice__ConsumerGroup: 'sluice' })),
      /Sluice__Streams__orders__GapConsumerGroup="sluice" is invalid: it must differ from the consumer group, Sluice__ConsumerGroup="sluice"/,
    );
    assert.match(
      problemsOf(() => loadStreamConfig('orders', { Sluice__OutputContainer: 'shared', SLUICE_DEADLETTER_CONTAINER: 'shared' })),
      /Sluice__OutputContainer="shared" and SLUICE_DEADLETTER_CONTAINER="shared" name the same container "shared"/,
    );
  });

  it('an app-scoped setting given for one stream is an error naming it and the shared name', () => {
    assert.match(
      problemsOf(() => loadStreamConfig('orders', { Sluice__Streams__orders__SupervisorSchedule: '0 */5 * * * *' })),
      /Sluice__Streams__orders__SupervisorSchedule="0 \*\/5 \* \* \* \*" is invalid: SupervisorSchedule is one per app, not per stream; set Sluice__SupervisorSchedule/,
    );
  });

  it('an invalid stream name is an error naming the stream', () => {
    assert.match(problemsOf(() => loadStreamConfig('Orders', {})), /stream "Orders" \(the name given in code\) is invalid: a stream name has 1 to 40 characters/);
    assert.match(problemsOf(() => loadStreamConfig('a_b', {})), /stream "a_b"/);
  });

  it('streamName is the stream argument', () => {
    assert.equal(loadStreamConfig('orders', { SLUICE_STREAM_NAME: 'pageviews' }).streamName, 'orders');
  });
});

describe('loadStreamConfig: case and hyphens in names', () => {
  it('names match without regard to case, as Windows app settings do', () => {
    assert.equal(loadStreamConfig('orders', { SLUICE__STREAMS__ORDERS__BATCHINTERVAL: '5s' }).batchIntervalMs, 5_000);
    assert.equal(loadStreamConfig('orders', { sluice__batchinterval: '4s' }).batchIntervalMs, 4_000);
    assert.equal(settingSources('orders', { Sluice__Streams__Orders__BatchInterval: '5s' }).batchIntervalMs.setting, 'Sluice__Streams__Orders__BatchInterval');
  });

  it('two spellings of one setting (possible on Linux) are an error naming both', () => {
    const msg = problemsOf(() => loadStreamConfig('orders', { Sluice__Streams__orders__BatchInterval: '5s', Sluice__Streams__Orders__BatchInterval: '6s' }));
    assert.match(msg, /Sluice__Streams__orders__BatchInterval="5s" and Sluice__Streams__Orders__BatchInterval="6s" all set BatchInterval of stream "orders": keep one/);
    assert.match(problemsOf(() => loadStreamConfig('orders', { Sluice__BatchInterval: '5s', SLUICE__BATCHINTERVAL: '5s' })), /all set BatchInterval: keep one/);
  });

  it('a hyphenated stream is found under its name with underscores, which Azure app settings accept', () => {
    assert.equal(loadStreamConfig('click-stream', { Sluice__Streams__click_stream__BatchInterval: '5s' }).batchIntervalMs, 5_000);
    assert.equal(loadStreamConfig('click-stream', { 'Sluice__Streams__click-stream__BatchInterval': '6s' }).batchIntervalMs, 6_000);
    assert.match(
      problemsOf(() => loadStreamConfig('click-stream', { 'Sluice__Streams__click-stream__BatchInterval': '6s', Sluice__Streams__click_stream__BatchInterval: '5s' })),
      /all set BatchInterval of stream "click-stream"/,
    );
  });
});

describe('settings that name no registered stream or no setting', () => {
  const env = {
    Sluice__Streams__orders__BatchInterval: '5s',
    Sluice__Streams__ordrs__BlockInterval: '100ms',
    Sluice__Streams__Click_Stream__BatchInterval: '5s',
    Sluice__BatchInterval: '10s',
  };

  it('streamsInSettings lists the streams named under Sluice__Streams__, case folded', () => {
    assert.deepEqual(streamsInSettings(env), ['click-stream', 'orders', 'ordrs']);
    assert.deepEqual(streamsInSettings({ SLUICE_BATCH_INTERVAL: '1s', Sluice__BatchInterval: '1s' }), []);
  });

  it('a typo\'d stream name is an error naming the stream and its settings', () => {
    const msg = problemsOf(() => checkSettingNames(['orders', 'click-stream'], env));
    assert.match(msg, /settings name stream "ordrs", which this app does not register \(it registers "orders", "click-stream"\): Sluice__Streams__ordrs__BlockInterval/);
    assert.doesNotMatch(msg, /stream "orders"|stream "click-stream"/);
    assert.doesNotThrow(() => checkSettingNames(['orders', 'ordrs', 'click-stream'], env));
  });

  it('a key that is not a setting, and a malformed name, are errors naming them', () => {
    const env2 = { Sluice__Streams__orders__BatchIntervall: '5s', Sluice__BlockSize: '1', Sluice__Streams__orders: 'x', 'Sluice__Streams__orders__Batch__Interval': '1s' };
    // A registered stream's own misspelt key stops that stream when it loads, and only it.
    assert.match(problemsOf(() => loadStreamConfig('orders', env2)), /Sluice__Streams__orders__BatchIntervall names no Sluice setting: "BatchIntervall" is not a setting key/);
    assert.doesNotThrow(() => loadStreamConfig('clicks', { Sluice__Streams__orders__BatchIntervall: '5s' }));
    const msg = problemsOf(() => checkSettingNames(['orders'], env2));
    assert.doesNotMatch(msg, /BatchIntervall/);
    assert.match(msg, /Sluice__BlockSize names no Sluice setting/);
    assert.match(msg, /Sluice__Streams__orders is not a Sluice setting name/);
    assert.match(msg, /Sluice__Streams__orders__Batch__Interval is not a Sluice setting name/);
  });

  it('names outside Sluice__ are not Sluice\'s to judge', () => {
    assert.doesNotThrow(() => checkSettingNames(['orders'], { SluiceStorage__accountName: 'x', AzureWebJobsStorage: 'UseDevelopmentStorage=true', SLUICE_BATCH_INTERVAL: '1s' }));
  });
});

describe('loadConfig: the single stream configured with SLUICE_ names', () => {
  const legacy = { SLUICE_STREAM_NAME: 'clicks', SLUICE_BATCH_INTERVAL: '2s', SLUICE_BLOCK_INTERVAL: '500ms', SLUICE_CONSUMER_GROUP: 'sluice', SLUICE_WAL_TABLE: 'clickswal' };

  it('reads as before, and the same as loadStreamConfig of that stream', () => {
    const c = loadConfig(legacy);
    assert.equal(c.streamName, 'clicks');
    assert.equal(c.batchIntervalMs, 2_000);
    assert.equal(c.blockIntervalMs, 500);
    assert.equal(c.consumerGroup, 'sluice');
    assert.equal(c.gapConsumerGroup, '$Default');
    assert.equal(c.tables.wal, 'clickswal');
    assert.deepEqual(c, loadStreamConfig('clicks', legacy));
    assert.equal(loadConfig({}).streamName, 'pageviews');
  });

  it('new names override the legacy ones for that stream', () => {
    assert.equal(loadConfig({ ...legacy, Sluice__Streams__clicks__BatchInterval: '4s' }).batchIntervalMs, 4_000);
    assert.equal(loadConfig({ ...legacy, Sluice__BatchInterval: '3s', SLUICE_BLOCK_INTERVAL: '' }).batchIntervalMs, 3_000);
  });

  it('the one stream\'s name comes from Sluice__StreamName, else SLUICE_STREAM_NAME, and is one per app', () => {
    assert.equal(loadConfig({ Sluice__StreamName: 'orders', SLUICE_STREAM_NAME: 'clicks' }).streamName, 'orders');
    assert.equal(loadConfig({ SLUICE_STREAM_NAME: 'clicks' }).streamName, 'clicks');
    assert.match(problemsOf(() => loadConfig({ Sluice__StreamName: 'Orders!' })), /Sluice__StreamName="Orders!" is invalid: a stream name has 1 to 40 characters/);
    assert.match(
      problemsOf(() => loadStreamConfig('orders', { Sluice__Streams__orders__StreamName: 'x' })),
      /Sluice__Streams__orders__StreamName="x" is invalid: StreamName is one per app, not per stream; set Sluice__StreamName/,
    );
    // A registered stream's name is the one in code, whatever the settings say.
    assert.equal(loadStreamConfig('orders', { Sluice__StreamName: 'clicks' }).streamName, 'orders');
  });

  it('reports settings for a stream other than SLUICE_STREAM_NAME, and a bad stream name with the rest', () => {
    assert.match(problemsOf(() => loadConfig({ ...legacy, Sluice__Streams__pageviews__BatchInterval: '5s' })), /settings name stream "pageviews", which this app does not register \(it registers "clicks"\)/);
    const typo = problemsOf(() => loadConfig({ ...legacy, Sluice__Streams__clicks__BatchIntervall: '5s' }));
    assert.equal(typo.match(/Sluice__Streams__clicks__BatchIntervall names no Sluice setting/g)?.length, 1, typo);
    const msg = problemsOf(() => loadConfig({ SLUICE_STREAM_NAME: 'My Stream', SLUICE_WAL_TABLE: '1abc' }));
    assert.match(msg, /SLUICE_STREAM_NAME="My Stream" is invalid/);
    assert.match(msg, /SLUICE_WAL_TABLE="1abc" is invalid/);
  });
});

it('source settings are Sluice names: their stream must be registered and their key one a source has', () => {
  const env = {
    Sluice__Streams__orders__Sources__views__EventHubName: 'pageviews',
    Sluice__Streams__ordrs__Sources__views__ConsumerGroup: 'orders',
    Sluice__Streams__orders__Sources__views__BatchInterval: '5s',
  };
  assert.deepEqual(streamsInSettings(env), ['orders', 'ordrs']);
  assert.throws(() => checkSettingNames(['orders'], env), (err: Error) => {
    assert.match(err.message, /Sluice__Streams__orders__Sources__views__BatchInterval is not a Sluice setting: a source's settings are EventHubName, ConsumerGroup, GapConsumerGroup/);
    assert.match(err.message, /settings name stream "ordrs", which this app does not register \(it registers "orders"\): Sluice__Streams__ordrs__Sources__views__ConsumerGroup/);
    assert.doesNotMatch(err.message, /Sluice__Streams__orders__Sources__views__EventHubName/, 'a valid source setting is no problem');
    return true;
  });
});
