import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bicepFiles, checkInfra } from './bicep/check-infra.js';
import { formatDiagnostic } from './bicep/diagnostic.js';
import { SCENARIOS } from './bicep/scenarios.js';
import { REPO_ROOT } from './support/bicep-reader.js';

// infra/ parsed with the Bicep grammar and evaluated against Azure's resource types
// (infra/types) for each scenario; test/infra/bicep-mutations.test.ts shows each check can fail.

describe('infra templates against Azure resource types', () => {
  it('checks every .bicep file under infra/', () => {
    const files = bicepFiles(REPO_ROOT);
    assert.ok(files.includes('infra/main.bicep') && files.length >= 7, files.join(', '));
  });

  it('finds nothing wrong in any scenario', () => {
    const found = checkInfra(REPO_ROOT);
    assert.deepEqual(found.map(formatDiagnostic), []);
  });

  it('evaluates scenario values through the module calls', () => {
    const tooMany = SCENARIOS.map((s) => (s.name === 'the largest sizes' ? { ...s, overrides: { ...s.overrides, maximumInstanceCount: 1001 } } : s));
    const found = checkInfra(REPO_ROOT, tooMany).map(formatDiagnostic);
    assert.ok(
      found.some((d) => d.includes("scenario 'the largest sizes': parameter 'maximumInstanceCount'") && d.includes('above @maxValue(1000)')),
      found.join('\n'),
    );
  });

  it('the trimmed type data holds every declared resource type', () => {
    const output = execFileSync(process.execPath, [join(REPO_ROOT, 'infra', 'scripts', 'trim-bicep-types.mjs'), '--check'], { encoding: 'utf8' });
    assert.match(output, /infra\/types holds all \d+ declared resource types/);
  });
});
