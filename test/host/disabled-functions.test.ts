import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLocalHost, type LocalHost } from '#local-host/local-host.js';
import { isFunctionDisabled } from '#local-host/registered-functions.js';
import { ManualClock } from '#sluice/util/clock.js';
import { FIXTURE_APP_DIR, logCollector } from './host-test-support.js';

describe('AzureWebJobs.<function>.Disabled', () => {
  test('either spelling, "1" or "true" in any case, disables; anything else does not', () => {
    assert.equal(isFunctionDisabled('f', { 'AzureWebJobs.f.Disabled': 'true' }), true);
    assert.equal(isFunctionDisabled('f', { 'AzureWebJobs.f.Disabled': 'TRUE' }), true);
    assert.equal(isFunctionDisabled('f', { 'AzureWebJobs.f.Disabled': '1' }), true);
    assert.equal(isFunctionDisabled('f', { AzureWebJobs_f_Disabled: 'True' }), true);
    for (const value of ['false', '0', 'yes', ' true', '']) assert.equal(isFunctionDisabled('f', { 'AzureWebJobs.f.Disabled': value }), false, value);
    assert.equal(isFunctionDisabled('f', { 'AzureWebJobs.g.Disabled': 'true' }), false);
  });

  describe('in a running host', () => {
    const clock = new ManualClock(0);
    const collected = logCollector();
    let host: LocalHost;
    before(async () => {
      host = await startLocalHost({
        appDir: FIXTURE_APP_DIR, port: 0, clock, log: collected.log,
        env: { HUB_NAME: 'unused', 'AzureWebJobs.ingest.Disabled': 'true', AzureWebJobs_tickA_Disabled: '1', 'AzureWebJobs.tickB.Disabled': 'true', 'AzureWebJobs.onStartup.Disabled': 'true', 'AzureWebJobs.echo.Disabled': 'true' },
      });
    });
    after(() => host.stop());

    test('each disabled function is logged as the real host logs it, and the others are not', () => {
      const lines = collected.lines.filter((l) => l.includes('is disabled'));
      assert.deepEqual(lines.sort(), ['echo', 'ingest', 'onStartup', 'tickA', 'tickB'].map((n) => `[host] Function '${n}' is disabled`));
    });

    test('a disabled timer never fires and a disabled HTTP function has no route; the others still work', async () => {
      assert.equal(clock.waiting, 0, 'no timer loop parked on the clock');
      assert.equal((await fetch(`${host.url}/api/items/1/a`)).status, 404);
      assert.equal((await fetch(`${host.url}/api/defaultRoute`)).status, 200);
    });

    test('a disabled function stays registered: the host can still invoke it directly, as an admin call could', async () => {
      assert.ok(host.functions.some((f) => f.name === 'echo'));
    });
  });
});
