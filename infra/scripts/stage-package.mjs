// @ts-check
// azd prepackage hook for the `app` service (azure.yaml). Builds the deployment folder
// dist/deploy holding only what the Functions host loads in Azure:
//   - host.json and the sample app's compiled code (dist/functions, dist/sample), no .ts/.map/.d.ts;
//   - the library as a tarball packed from packages/sluice (`npm pack`, so exactly the files its
//     package.json `files` publishes), referenced as a `file:` dependency;
//   - a package.json whose dependencies are the app's production dependencies, and the production
//     node_modules installed from it (`npm install --omit=dev`).
// azd zips that folder (`dist: dist/deploy`, `remoteBuild: false`).
//
// Why a staging folder: the repository's node_modules holds the local dev stack (the private
// @sluice/* workspace packages, azurite, ...) and the devDependencies (typescript, playwright-core,
// ...), and its `sluice` is a workspace link the zip could not follow. Pruning the developer's own
// node_modules in place would also break their next test run.
//
// Plain JavaScript so it runs before anything is compiled, and with no dependencies.
//
// Options: --root <dir> (project root; default: two levels above this file), --stage <dir> (output
// folder instead of <root>/dist/deploy), --dry-run (print the plan as JSON, write nothing),
// --skip-build, --skip-install (used by the tests).

import { execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Output folder, relative to the project root; azure.yaml's `dist` names the same path. */
export const STAGE_DIR = 'dist/deploy';
/** Compiled app folders the host may load; dist/test, dist/smoke and the stage itself stay out. */
export const APP_DIRS = ['dist/functions', 'dist/sample'];
/** Root files the host needs. host.json is required: without it the host will not start. */
export const ROOT_FILES = ['host.json'];
/** The library the app depends on, packed from its workspace folder. */
export const LIBRARY_DIR = 'packages/sluice';
/** package.json fields the staged package.json keeps from the app's own. */
const KEPT_FIELDS = ['name', 'version', 'description', 'license', 'type', 'main', 'engines'];

/** Files that are never loaded at run time. */
function isDevOnly(/** @type {string} */ file) {
  return file.endsWith('.map') || file.endsWith('.ts') || file.endsWith('.tsbuildinfo');
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

/** @returns {Record<string, any> | undefined} */
function readJson(/** @type {string} */ path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

/** Names of the private workspace packages (the local dev stack): none may be a production dependency. */
function privateWorkspaces(/** @type {string} */ root, /** @type {Record<string, any>} */ pkg) {
  const names = new Set();
  for (const dir of Array.isArray(pkg.workspaces) ? pkg.workspaces : []) {
    const ws = readJson(join(root, String(dir), 'package.json'));
    if (ws?.private === true && typeof ws.name === 'string') names.add(ws.name);
  }
  return names;
}

/**
 * What would be staged from `root`: the files copied as they are, the package.json written for
 * the stage, the library tarball, and the problems that make the package unusable.
 * @param {string} root
 */
export function planStage(root) {
  /** @type {string[]} */
  const problems = [];
  const files = ROOT_FILES.filter((f) => existsSync(join(root, f)));
  for (const f of ROOT_FILES) if (!files.includes(f)) problems.push(`${f} is missing from the project root`);
  for (const dir of APP_DIRS) files.push(...listFiles(root, dir));

  const pkg = readJson(join(root, 'package.json'));
  const lib = readJson(join(root, LIBRARY_DIR, 'package.json'));
  if (!pkg) problems.push('package.json is missing from the project root');
  if (!lib) problems.push(`${LIBRARY_DIR}/package.json is missing: the library cannot be packed`);

  const main = String(pkg?.main ?? '');
  if (pkg && !main) problems.push('package.json has no "main": the host would find no functions');
  else if (pkg && !files.some((f) => globToRegExp(main).test(f))) {
    problems.push(`package.json "main" (${main}) matches no staged file: build first, or stage its folder (APP_DIRS)`);
  }

  // npm pack names the tarball <name>-<version>.tgz, a scoped name as <scope>-<name>-<version>.tgz.
  const tarball = lib ? `${String(lib.name).replace(/^@/, '').replace('/', '-')}-${lib.version}.tgz` : '';
  /** @type {Record<string, string>} */
  const dependencies = { ...(pkg?.dependencies ?? {}) };
  if (pkg && lib) {
    if (!(lib.name in dependencies)) problems.push(`package.json "dependencies" has no ${lib.name}: the app would not find the library`);
    else dependencies[lib.name] = `file:./${tarball}`;
  }
  if (pkg) {
    for (const name of privateWorkspaces(root, pkg)) {
      if (name in dependencies) problems.push(`package.json "dependencies" has ${name}, a private package of the local dev stack: move it to devDependencies`);
    }
  }
  /** @type {Record<string, unknown>} */
  const packageJson = { private: true };
  for (const field of KEPT_FIELDS) if (pkg?.[field] !== undefined) packageJson[field] = pkg[field];
  packageJson['dependencies'] = dependencies;

  return { stageDir: STAGE_DIR, main, files, packageJson, library: { dir: LIBRARY_DIR, tarball }, problems };
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
    // A clean build: the compiler never deletes the output of a source file that is gone, and
    // npm pack would ship it.
    run('npm run clean', root);
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

  const stageArg = args.indexOf('--stage');
  const stage = stageArg >= 0 ? resolve(String(args[stageArg + 1])) : join(root, ...STAGE_DIR.split('/'));
  rmSync(stage, { recursive: true, force: true });
  for (const file of plan.files) {
    const target = join(stage, ...file.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(root, ...file.split('/')), target);
  }
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(plan.packageJson, null, 2)}\n`);

  // The library as users get it: what its package.json `files` publishes, nothing of its sources.
  console.log(`> npm pack ${LIBRARY_DIR}`);
  // One command line for sh and cmd alike (npm is npm.cmd on Windows); the paths are quoted.
  const pack = `npm pack ${JSON.stringify(join(root, ...LIBRARY_DIR.split('/')))} --pack-destination ${JSON.stringify(stage)} --json --ignore-scripts`;
  const packed = JSON.parse(execSync(pack, { cwd: root, encoding: 'utf8' }));
  const filename = packed?.[0]?.filename;
  if (filename !== plan.library.tarball) {
    console.error(`npm pack wrote ${String(filename)}, the staged package.json expects ${plan.library.tarball}`);
    process.exit(1);
  }

  if (!args.includes('--skip-install')) {
    // The root lock file pins the versions the tests ran with; npm keeps every locked version that
    // still satisfies the staged package.json and drops the rest (the dev stack, devDependencies).
    if (existsSync(join(root, 'package-lock.json'))) cpSync(join(root, 'package-lock.json'), join(stage, 'package-lock.json'));
    // --prefer-offline: the build just installed these packages, so npm's cache usually has them.
    // --ignore-scripts: no production dependency needs an install script.
    run('npm install --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund', stage);
  }
  console.log(`Staged ${plan.files.length} app files and ${plan.library.tarball} in ${stage.startsWith(root) ? relative(root, stage) : stage}.`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
