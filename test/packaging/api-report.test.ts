import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkApiReport, firstDifferences, type ApiCheck } from './support/api-report.js';
import { REPO_ROOT, SLUICE_DIR } from './support/paths.js';

// The public API surface of `sluice` and `sluice/testing`, tracked by API Extractor the way the
// Azure SDK for JavaScript tracks its packages: a committed report per entry point
// (packages/sluice/review/*.api.md), compared here with the surface of the built .d.ts.

const UPDATE_HINT = 'If the change is intended, run `npm run api:update` and commit packages/sluice/review/.';

function assertMatches(check: ApiCheck, report: string): void {
  assert.equal(
    check.reportChanged,
    false,
    `The public API differs from ${report}. ${UPDATE_HINT}\n${firstDifferences(check.committedReport, check.builtReport)}`,
  );
  assert.ok(check.succeeded, `API Extractor reported problems for ${report}. Fix them, then ${UPDATE_HINT}\n${check.messages.join('\n')}`);
  assert.doesNotMatch(check.committedReport, /\/\/ Warning:/, `${report} carries extractor warnings; fix them and run npm run api:update`);
}

describe('public API report', () => {
  it('sluice: the built surface matches review/sluice.api.md', () => {
    assertMatches(checkApiReport(join(SLUICE_DIR, 'api-extractor.json')), 'review/sluice.api.md');
  });

  it('sluice/testing: the built surface matches review/sluice-testing.api.md', () => {
    const check = checkApiReport(join(SLUICE_DIR, 'api-extractor-testing.json'));
    assertMatches(check, 'review/sluice-testing.api.md');
    assert.match(check.committedReport, /export function runBatches/, 'runBatches is the point of sluice/testing');
  });

  describe('the check catches a changed surface', () => {
    // A copy of the package's declarations, config and committed report, inside the repository so
    // that the copy's imports (@azure/*, @types/node) resolve from the same node_modules.
    const copy = mkdtempSync(join(REPO_ROOT, 'dist', 'api-probe-'));
    after(() => rmSync(copy, { recursive: true, force: true }));
    for (const item of ['package.json', 'api-extractor.json', 'review']) cpSync(join(SLUICE_DIR, item), join(copy, item), { recursive: true });
    cpSync(join(SLUICE_DIR, 'dist'), join(copy, 'dist'), {
      recursive: true,
      filter: (source) => !/\.[^/\\]+$/.test(source) || source.endsWith('.d.ts'),
    });

    it('an export removed from the entry point fails the check', () => {
      const entry = join(copy, 'dist', 'index.d.ts');
      const removed = "export { BlobSink } from './sinks/blob-sink.js';";
      const text = readFileSync(entry, 'utf8');
      assert.ok(text.includes(removed), `the probe expects ${removed} in dist/index.d.ts`);
      writeFileSync(entry, text.replace(removed, ''));

      const check = checkApiReport(join(copy, 'api-extractor.json'));
      assert.equal(check.reportChanged, true, 'removing BlobSink must change the report');
      assert.equal(check.succeeded, false, 'a changed report must fail a non-local run');
      assert.match(check.committedReport, /export class BlobSink/);
      assert.doesNotMatch(check.builtReport, /export class BlobSink/);
      assert.match(firstDifferences(check.committedReport, check.builtReport), /^- export class BlobSink/m);
    });
  });
});
