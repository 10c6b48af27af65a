import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SETTING_LIST } from '#sluice/config/settings.js';

const root = new URL('../../../', import.meta.url);
const configuration = readFileSync(new URL('docs/configuration.md', root), 'utf8');
/** The README and every page under docs/: the user's manual as a whole. */
const manual = [new URL('README.md', root), ...readdirSync(new URL('docs/', root)).filter((f) => f.endsWith('.md')).map((f) => new URL(`docs/${f}`, root))];

test('the configuration page lists every setting with its default and rule', () => {
  for (const s of SETTING_LIST) {
    const row = configuration.split('\n').find((line) => line.startsWith(`| \`${s.name}\` |`));
    assert.ok(row, `docs/configuration.md has no row for ${s.name}`);
    assert.ok(row.includes(`| \`${s.default}\` |`), `docs/configuration.md row for ${s.name} does not show its default ${s.default}`);
    assert.ok(row.includes(s.rule.replace(/\|/g, '\\|')), `docs/configuration.md row for ${s.name} does not state its rule`);
  }
});

test('the manual names no SLUICE_ setting that does not exist', () => {
  const names = new Set(SETTING_LIST.map((s) => s.name));
  for (const page of manual) {
    const mentioned = new Set(readFileSync(page, 'utf8').match(/SLUICE_[A-Z_]+[A-Z]/g) ?? []);
    for (const m of mentioned) if (m !== 'SLUICE_CHROMIUM') assert.ok(names.has(m), `${page.pathname} mentions ${m}, which is not a setting`);
  }
});
