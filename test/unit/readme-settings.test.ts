import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SETTING_LIST } from '../../src/config/settings.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

test('the README settings table lists every setting with its default and rule', () => {
  for (const s of SETTING_LIST) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${s.name}\` |`));
    assert.ok(row, `README has no row for ${s.name}`);
    assert.ok(row.includes(`| \`${s.default}\` |`), `README row for ${s.name} does not show its default ${s.default}`);
    assert.ok(row.includes(s.rule.replace(/\|/g, '\\|')), `README row for ${s.name} does not state its rule`);
  }
});

test('the README names no SLUICE_ setting that does not exist', () => {
  const names = new Set(SETTING_LIST.map((s) => s.name));
  const mentioned = new Set(readme.match(/SLUICE_[A-Z_]+[A-Z]/g) ?? []);
  for (const m of mentioned) if (m !== 'SLUICE_CHROMIUM') assert.ok(names.has(m), `README mentions ${m}, which is not a setting`);
});
