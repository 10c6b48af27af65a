import { parseSmokeOptions } from './smoke-options.js';
import { runSmoke } from './smoke-run.js';

/** `npm run smoke -- <options>`: pass/fail per check; exits non-zero on any failure. */
async function main(): Promise<number> {
  let options;
  try {
    options = parseSmokeOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const checks = await runSmoke(options, (c) => process.stdout.write(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}\n`));
  const failed = checks.filter((c) => !c.ok).length;
  process.stdout.write(failed === 0 ? `smoke: all ${checks.length} checks passed\n` : `smoke: ${failed} of ${checks.length} checks failed\n`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`smoke: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
