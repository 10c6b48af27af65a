// @ts-check
// azd prepackage hook for the `app` service (azure.yaml). Builds the deployment folder
// dist/deploy holding only what the Functions host loads: host.json, package.json, the lock
// file, the compiled app (dist/src, dist/functions) and production dependencies. azd zips that
// folder (`dist: dist/deploy`, `remoteBuild: false`).
//
// Why a staging folder: the project's node_modules holds devDependencies (azurite, typescript,
// playwright-core, ...) about twice the size of the runtime ones, and pruning the developer's
// own node_modules in place would break their next test run.
//
// Plain JavaScript so it runs before anything is compiled, and with no dependencies.
//
// Options: --root <dir> (project root; default: two levels above this file), --dry-run (print
// the plan as JSON, write nothing), --skip-build, --skip-install (used by the tests).

import { execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Output folder, relative to the project root; azure.yaml's `dist` names the same path. */
export const STAGE_DIR = 'dist/deploy';
/** Compiled app folders the host may load; dist/test and the stage itself stay out. */
export const APP_DIRS = ['dist/src', 'dist/functions'];
/** Root files the host or npm needs. host.json is required: without it the host will not start. */
export const ROOT_FILES = ['host.json', 'package.json', 'package-lock.json'];

/** Files that are never loaded at run time. */
function isDevOnly(/** @type {string} */ file) {
  return file.endsWith('.map') || file.endsWith('.d.ts') || file.endsWith('.ts') || file.endsWith('.tsbuildinfo');
}

function listFiles(/** @type {string} */ root, /** @type {string} */ dir) {
  /** @type {string[]} */
  const out = [];
  const abs = join(root, dir);
  if (!existsSync(abs)) return out;
  for (const entry of readdirSync(abs)) {
    const rel = `${dir}/${entry}`;
    if (statSync(join(root, rel)).isDirectory()) out.push(...listFiles(root, rel));
    else if (!isDevOnly(entry)) out.push(rel);
  }
  return out;
}

/** package.json `main` may be a glob such as dist/functions/*.js (one level, `*` only). */
function globToRegExp(/** @type {string} */ glob) {
  const escaped = glob.replace(/^\.\//, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`);
}

/**
 * What would be staged from `root`: the files, and the problems that make the package unusable.
 * @param {string} root
 */
export function planStage(root) {
  /** @type {string[]} */
  const problems = [];
  const files = ROOT_FILES.filter((f) => existsSync(join(root, f)));
  for (const f of ROOT_FILES) if (!files.includes(f)) problems.push(`${f} is missing from the project root`);
  for (const dir of APP_DIRS) files.push(...listFiles(root, dir));
  let main = '';
  if (existsSync(join(root, 'package.json'))) {
    main = String(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).main ?? '');
    const re = globToRegExp(main);
    if (!main) problems.push('package.json has no "main": the host would find no functions');
    else if (!files.some((f) => re.test(f))) {
      problems.push(`package.json "main" (${main}) matches no staged file: build first, or stage its folder (APP_DIRS)`);
    }
  }
  return { stageDir: STAGE_DIR, main, files, problems };
}

function run(/** @type {string} */ command, /** @type {string} */ cwd) {
  console.log(`> ${command}   (in ${relative(process.cwd(), cwd) || '.'})`);
  execSync(command, { cwd, stdio: 'inherit' });
}

function main() {
  const args = process.argv.slice(2);
  const rootArg = args.indexOf('--root');
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(rootArg >= 0 ? String(args[rootArg + 1]) : join(here, '..', '..'));
  const dryRun = args.includes('--dry-run');

  if (!dryRun && !args.includes('--skip-build')) {
    // azd restores and builds before packaging, but the hook may run first on some azd versions.
    if (!existsSync(join(root, 'node_modules', 'typescript'))) run('npm ci --no-audit --no-fund', root);
    run('npm run build', root);
  }

  const plan = planStage(root);
  if (dryRun) {
    console.log(JSON.stringify(plan, null, 2));
    process.exitCode = plan.problems.length > 0 ? 1 : 0;
    return;
  }
  if (plan.problems.length > 0) {
    console.error(`Cannot stage the deployment package:\n  - ${plan.problems.join('\n  - ')}`);
    process.exit(1);
  }

  const stage = join(root, ...STAGE_DIR.split('/'));
  rmSync(stage, { recursive: true, force: true });
  for (const file of plan.files) {
    const target = join(stage, ...file.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(root, ...file.split('/')), target);
  }
  if (!args.includes('--skip-install')) {
    // Exactly the locked production tree; --ignore-scripts because nothing here needs them.
    run('npm ci --omit=dev --ignore-scripts --no-audit --no-fund', stage);
  }
  console.log(`Staged ${plan.files.length} files in ${STAGE_DIR}.`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
