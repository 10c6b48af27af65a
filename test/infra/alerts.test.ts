import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ATTR, EVENT } from '#sluice/telemetry/telemetry-names.js';

const root = process.cwd();
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const QUERIES = ['infra/app/alerts/slow-batches.kql', 'infra/app/alerts/growing-lag.kql', 'infra/app/alerts/lost-events.kql'];

test('the alert rules load their queries from the files the operations guide shows word for word', () => {
  const bicep = read('infra/app/alerts.bicep');
  const docs = read('docs/operations.md');
  for (const path of QUERIES) {
    const file = path.slice('infra/app/'.length);
    assert.ok(bicep.includes(`loadTextContent('${file}')`), `alerts.bicep loads ${file}`);
    assert.ok(docs.includes('```kql\n' + read(path) + '```'), `docs/operations.md shows ${path} as it is`);
  }
  assert.match(read('infra/main.bicep'), /module alerts 'app\/alerts\.bicep'/);
});

test('the queries read the fields the telemetry writes', () => {
  const slow = read(QUERIES[0]!);
  const lag = read(QUERIES[1]!);
  for (const q of [slow, lag]) {
    assert.ok(q.includes(`customDimensions["${ATTR.event}"]) == "${EVENT.completed}"`));
    assert.ok(q.includes(`customDimensions["${ATTR.stream}"]`));
  }
  for (const key of [ATTR.batchTime, ATTR.processingMs, ATTR.intervalMs]) assert.ok(slow.includes(`customDimensions["${key}"]`), key);
  assert.ok(lag.includes(`customDimensions["${ATTR.lagEvents}"]`));
  const lost = read(QUERIES[2]!);
  assert.ok(lost.includes(`customDimensions["${ATTR.event}"]) == "${EVENT.lost}"`));
  for (const key of [ATTR.stream, ATTR.partition, ATTR.lostEvents]) assert.ok(lost.includes(`customDimensions["${key}"]`), key);
});

test('each query gives one row per stream, so one app with several streams alerts on each by name', () => {
  for (const path of QUERIES) {
    const q = read(path);
    const summarizes = [...q.matchAll(/\|\s*summarize\b[^|]*\bby\s+([^|\n]+)/g)].map((m) => m[1]!.split(',').map((k) => k.trim().split(/\s*=/)[0]));
    assert.ok(summarizes.length > 0, `${path} does not summarize`);
    for (const keys of summarizes) assert.ok(keys.includes('stream'), `${path}: a summarize groups by ${keys.join(', ')}, which mixes streams`);
    assert.doesNotMatch(q, /\|\s*where\s+stream\s*==/, `${path} picks one stream`);
  }
});
