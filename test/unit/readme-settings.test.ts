import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseSettingName } from '#sluice/config/setting-names.js';
import { SETTING_LIST } from '#sluice/config/settings.js';

const root = new URL('../../../', import.meta.url);
const configuration = readFileSync(new URL('docs/configuration.md', root), 'utf8');
/** The README and every page under docs/: the user's manual as a whole. */
const manual = [new URL('README.md', root), ...readdirSync(new URL('docs/', root)).filter((f) => f.endsWith('.md')).map((f) => new URL(`docs/${f}`, root))];

/** The rows of the settings table: from its header to the first line that is not a row. */
function settingRows(): string[] {
  const lines = configuration.split('\n');
  const header = lines.findIndex((l) => l.startsWith('| Key | Scope | Legacy name | Default | Rule |'));
  assert.ok(header >= 0, 'docs/configuration.md has no settings table (| Key | Scope | Legacy name | Default | Rule | ...)');
  const rows: string[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows;
}

test('the configuration page lists every setting with its key, scope, legacy name, default and rule', () => {
  const rows = settingRows();
  for (const s of SETTING_LIST) {
    const row = rows.find((line) => line.startsWith(`| \`${s.key}\` |`));
    assert.ok(row, `docs/configuration.md has no row for ${s.key}`);
    const cells = row.split(' | ');
    assert.equal(cells[1], s.scope, `docs/configuration.md row for ${s.key} does not show its scope ${s.scope}`);
    assert.equal(cells[2], `\`${s.legacyName}\``, `docs/configuration.md row for ${s.key} does not show its legacy name ${s.legacyName}`);
    assert.equal(cells[3], `\`${s.default}\``, `docs/configuration.md row for ${s.key} does not show its default ${s.default}`);
    assert.ok(row.includes(s.rule.replace(/\|/g, '\\|')), `docs/configuration.md row for ${s.key} does not state its rule`);
  }
  assert.equal(rows.length, SETTING_LIST.length, 'the settings table has rows for keys that are not settings');
});

test('the manual names no SLUICE_ setting that does not exist', () => {
  const names = new Set(SETTING_LIST.map((s) => s.legacyName));
  for (const page of manual) {
    const mentioned = new Set(readFileSync(page, 'utf8').match(/SLUICE_[A-Z_]+[A-Z]/g) ?? []);
    for (const m of mentioned) if (m !== 'SLUICE_CHROMIUM') assert.ok(names.has(m), `${page.pathname} mentions ${m}, which is not a setting`);
  }
});

test('the manual names no Sluice__ setting that does not exist', () => {
  // Without regard to case, as Sluice reads them.
  const keys = new Set(SETTING_LIST.map((s) => s.key.toLowerCase()));
  let seen = 0;
  for (const page of manual) {
    for (const m of readFileSync(page, 'utf8').matchAll(/\bSluice__[A-Za-z0-9_-]+/g)) {
      // `Sluice__Streams__` alone is the prose form Sluice__Streams__<stream>__<Key>.
      if (m[0] === 'Sluice__Streams__') continue;
      const parsed = parseSettingName(m[0]);
      assert.ok(parsed && parsed.kind !== 'malformed' && keys.has(parsed.key.toLowerCase()), `${page.pathname} mentions ${m[0]}, which is not a setting name`);
      seen++;
    }
  }
  assert.ok(seen > 0, 'no Sluice__ name found in the manual: revisit this check');
});
