import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

let dir: string | undefined;

/**
 * The single-stream test app's folder: package.json whose main is the compiled entry, and the
 * repository's host.json, so it runs with the same host settings as the sample app. Made once per
 * process; the host loads an app once per folder anyway.
 */
export function singleStreamAppDir(): string {
  if (dir) return dir;
  dir = mkdtempSync(join(tmpdir(), 'sluice-single-stream-app-'));
  const main = fileURLToPath(new URL('./functions/index.js', import.meta.url));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sluice-single-stream-app', private: true, type: 'module', main }, null, 2));
  copyFileSync(fileURLToPath(new URL('../../../../host.json', import.meta.url)), join(dir, 'host.json'));
  return dir;
}
