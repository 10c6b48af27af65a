import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Options, ValidateFunction } from 'ajv';
import { DEFAULT_SOURCE } from '#sluice/receiver/received-event.js';
import { deploymentOf } from './bicep/check-infra.js';
import { formatDiagnostic } from './bicep/diagnostic.js';
import { SCENARIOS } from './bicep/scenarios.js';
import { INFRA_DIR, REPO_ROOT } from './support/bicep-reader.js';
import { createdHubs, deployedAppSettings, describedSources, knownOutput, settingPrefix, STREAMS_FILE } from './support/event-hub-plan.js';
import { loadSampleAppReaders } from './support/sample-app-readers.js';

// The contract between infra/streams.json (the streams' sources), what main.bicep and
// app/eventhubs.bicep create from it, the app settings the deployed app gets, and the streams
// the sample app registers: the deployed app must read exactly the hubs and groups infra creates.

const require = createRequire(import.meta.url);
const Ajv2020 = (require('ajv/dist/2020.js') as { default: new (options: Options) => { compile(schema: object): ValidateFunction } }).default;

const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(join(INFRA_DIR, 'streams.schema.json'), 'utf8')) as object);
const sources = describedSources();
const deployment = deploymentOf(REPO_ROOT, SCENARIOS[0]!);
const hubs = createdHubs(deployment);
const settings = deployedAppSettings(deployment);
const key = (hub: string, group: string): string => `${hub} / ${group}`;
const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

describe('infra/streams.json', () => {
  it('has the shape infra/streams.schema.json gives, and each source once', () => {
    const valid = validate(JSON.parse(readFileSync(STREAMS_FILE, 'utf8')));
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    const names = sources.map((s) => `${s.stream}/${s.source ?? ''}`);
    assert.deepEqual(names, [...new Set(names)], 'a stream lists a source twice');
    for (const stream of new Set(sources.map((s) => s.stream))) {
      const own = sources.filter((s) => s.stream === stream);
      assert.ok(own.length === 1 || own.every((s) => s.source !== undefined), `stream ${stream}: a stream reads one unnamed hub or named hubs only`);
    }
  });

  it('the schema refuses what infra cannot create or the app cannot read', () => {
    const valid = { stream: 'orders', source: 'views', eventHubName: 'pageviews', consumerGroup: 'orders', gapConsumerGroup: 'sluice-gaps' };
    assert.ok(validate({ sources: [valid] }), JSON.stringify(validate.errors));
    const broken: [string, object][] = [
      ['$Default, which every hub has and infra cannot create', { ...valid, consumerGroup: '$Default' }],
      ['a group name with a "!"', { ...valid, gapConsumerGroup: 'gaps!' }],
      ['an upper-case stream name', { ...valid, stream: 'Orders' }],
      ['a source without a hub', { stream: 'orders', consumerGroup: 'orders', gapConsumerGroup: 'sluice-gaps' }],
      ['a misspelt key', { ...valid, consumergroup: 'x' }],
    ];
    for (const [what, source] of broken) assert.equal(validate({ sources: [source] }), false, `the schema accepts ${what}`);
    assert.equal(validate({ sources: [] }), false, 'the schema accepts no sources');
  });

  it('gives no source a gap-fill group that is a trigger group on its hub, whose readers would lock gap fill out', () => {
    for (const s of sources) {
      const triggers = sources.filter((o) => o.eventHubName === s.eventHubName);
      for (const t of triggers) {
        assert.notEqual(s.gapConsumerGroup, t.consumerGroup, `${s.stream}/${s.source ?? ''}: gap-fill group ${s.gapConsumerGroup} on hub ${s.eventHubName} is the trigger group of ${t.stream}/${t.source ?? ''}`);
      }
    }
  });
});

describe('infra creates what the streams read', () => {
  it('evaluates without findings', () => {
    assert.deepEqual(deployment.diagnostics.map(formatDiagnostic), []);
  });

  it('creates every hub a source reads, each with exactly its sources\' trigger and gap-fill groups', () => {
    const expected = new Map<string, string[]>();
    for (const s of sources) expected.set(s.eventHubName, sorted([...(expected.get(s.eventHubName) ?? []), s.consumerGroup, s.gapConsumerGroup]));
    assert.deepEqual(Object.fromEntries(hubs), Object.fromEntries(expected));
  });

  it('would notice a template that leaves the gap-fill groups out', () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-streams-'));
    try {
      cpSync(INFRA_DIR, join(root, 'infra'), { recursive: true });
      const main = join(root, 'infra', 'main.bicep');
      const union = 'var consumerGroups = union(triggerGroups, gapFillGroups)';
      const text = readFileSync(main, 'utf8');
      assert.ok(text.includes(union), 'main.bicep no longer unites the groups this way; update the mutation');
      writeFileSync(main, text.replace(union, 'var consumerGroups = triggerGroups'));
      const mutated = createdHubs(deploymentOf(root, SCENARIOS[0]!));
      assert.ok([...mutated.values()].every((groups) => !groups.includes('sluice-gaps')), 'the mutation should drop the gap-fill groups');
      assert.notDeepEqual(Object.fromEntries(mutated), Object.fromEntries(hubs));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('stays within what a Standard namespace holds', () => {
    // "Azure Event Hubs quotas and limits" (learn.microsoft.com, event-hubs-quotas): Standard has
    // 10 event hubs per namespace and 20 consumer groups per event hub.
    assert.ok(hubs.size <= 10, `${hubs.size} hubs; a Standard namespace holds 10`);
    // Counted with $Default, which every hub has, to stay on the safe side of the quota.
    for (const [hub, groups] of hubs) assert.ok(groups.length + 1 <= 20, `hub ${hub} has ${groups.length} consumer groups and $Default; Standard allows 20`);
  });

  it('sets each source\'s hub, trigger group and gap-fill group as the app settings the app resolves first', () => {
    for (const s of sources) {
      const prefix = settingPrefix(s);
      assert.equal(settings[`${prefix}EventHubName`], s.eventHubName, `${prefix}EventHubName`);
      assert.equal(settings[`${prefix}ConsumerGroup`], s.consumerGroup, `${prefix}ConsumerGroup`);
      assert.equal(settings[`${prefix}GapConsumerGroup`], s.gapConsumerGroup, `${prefix}GapConsumerGroup`);
    }
    const streamSettings = Object.keys(settings).filter((name) => name.startsWith('Sluice__Streams__'));
    assert.equal(streamSettings.length, sources.length * 3, `settings for sources streams.json does not list: ${streamSettings.join(', ')}`);
  });

  it('points the first hub\'s azd outputs at the first source', () => {
    const first = sources[0]!;
    assert.equal(knownOutput(deployment, 'AZURE_EVENTHUB_NAME'), first.eventHubName);
    assert.equal(knownOutput(deployment, 'AZURE_EVENTHUB_CONSUMER_GROUP'), first.consumerGroup);
    assert.equal(knownOutput(deployment, 'SLUICE_EVENTHUB_NAME'), first.eventHubName);
    assert.equal(knownOutput(deployment, 'SLUICE_CONSUMER_GROUP'), first.consumerGroup);
    // Every hub once, in the order streams.json first names them.
    assert.deepEqual(knownOutput(deployment, 'AZURE_EVENTHUB_NAMES')?.split(','), [...new Set(sources.map((s) => s.eventHubName))]);
  });
});

// The sample app, loaded as the worker loads it with the deployed settings as its environment.
const app = await loadSampleAppReaders(REPO_ROOT, settings);

describe('the sample app with the deployed settings', () => {
  it('has Event Hubs triggers, each reading a hub and consumer group infra creates', () => {
    assert.ok(app.triggers.length > 0, 'the sample app registers no Event Hubs trigger');
    for (const t of app.triggers) {
      assert.ok(hubs.get(t.eventHubName)?.includes(t.consumerGroup), `function ${t.functionName} reads ${key(t.eventHubName, t.consumerGroup)}, which infra does not create (it creates ${[...hubs].map(([h, gs]) => gs.map((g) => key(h, g)).join(', ')).join(', ')})`);
    }
  });

  it('registers exactly the sources of infra/streams.json, with their trigger and gap-fill groups', { todo: app.announced === undefined ? 'the sample app registers its receiver without sluiceApp(), so it announces no streams to compare' : false }, () => {
    const described = sorted(sources.map((s) => `${s.stream}/${s.source ?? DEFAULT_SOURCE}: ${key(s.eventHubName, s.consumerGroup)}, gap fill ${s.gapConsumerGroup}`));
    const registered = sorted((app.announced ?? []).map((s) => `${s.stream}/${s.source}: ${key(s.eventHubName, s.consumerGroup)}, gap fill ${s.gapConsumerGroup}`));
    assert.deepEqual(registered, described);
    assert.deepEqual(sorted(app.triggers.map((t) => key(t.eventHubName, t.consumerGroup))), sorted(sources.map((s) => key(s.eventHubName, s.consumerGroup))));
  });
});
