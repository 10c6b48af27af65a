import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Diagnostics, type Diagnostic } from './diagnostic.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { checkSymbols } from './symbols.js';
import { parseTemplate, type Template } from './template.js';
import { TemplateRun, type DeployedResource, type RunContext } from './template-run.js';
import { TypeStore } from './type-store.js';
import { fromJson, type Entry, type Value } from './values.js';

/** Every .bicep file under a folder, root-relative, sorted. */
export function bicepFiles(root: string, dir = 'infra'): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, dir)).sort()) {
    const path = join(dir, entry);
    if (statSync(join(root, path)).isDirectory()) found.push(...bicepFiles(root, path));
    else if (entry.endsWith('.bicep')) found.push(path);
  }
  return found;
}

/** azd's substitution in main.parameters.json: ${NAME} and ${NAME=default}; an unset name gives ''. */
function substitute(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:=([^}]*))?\}/g, (_, name: string, fallback?: string) => env[name] ?? fallback ?? '');
}

/** The main template's parameter values for a scenario, from main.parameters.json and the overrides. */
function scenarioParams(root: string, main: Template, s: Scenario, out: Diagnostics): Map<string, Entry> {
  const file = 'infra/main.parameters.json';
  const given = new Map<string, Entry>();
  const path = join(root, file);
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    const parsed = JSON.parse(text) as { parameters?: Record<string, { value?: unknown }> };
    for (const [name, p] of Object.entries(parsed.parameters ?? {})) {
      const line = Math.max(1, lines.findIndex((l) => l.includes(`"${name}"`)) + 1);
      const loc = { file, line };
      if (!main.params.has(name)) out.add(loc, `${file} sets '${name}', which ${main.file} does not declare`);
      const raw = p.value;
      given.set(name, { value: fromJson(typeof raw === 'string' ? substitute(raw, s.env) : raw, loc), loc });
    }
  }
  for (const [name, v] of Object.entries(s.overrides)) {
    const loc = main.params.get(name)?.loc ?? { file: main.file, line: 1 };
    if (!main.params.has(name)) out.add(loc, `scenario '${s.name}' sets '${name}', which ${main.file} does not declare`);
    given.set(name, { value: fromJson(v, loc), loc });
  }
  for (const p of main.params.values())
    if (!given.has(p.name) && !p.defaultValue && !p.nullable)
      out.add(p.loc, `parameter '${p.name}' has no default and ${file} does not map it, so azd would prompt for it`);
  return given;
}

/**
 * Checks every .bicep file under `root`/infra against the grammar, its own symbols, and, by
 * evaluating infra/main.bicep for each scenario, Azure's resource types in infra/types. Files no
 * scenario reaches are evaluated on their own with their parameters unknown.
 */
export function checkInfra(root: string, scenarios: readonly Scenario[] = SCENARIOS): Diagnostic[] {
  const out = new Diagnostics();
  const { parsed, load } = templateCache(root);
  const files = bicepFiles(root);
  for (const file of files) {
    const t = load(file);
    for (const p of t.problems) out.add(p, p.message);
    checkSymbols(t, out);
  }
  const ctx: RunContext = { root, types: typeStore(root), out, load };
  const main = 'infra/main.bicep';
  const reached = new Set<string>();
  if (!files.includes(main)) out.add({ file: main, line: 1 }, `${main} is missing`);
  else
    for (const s of scenarios) {
      const t = load(main);
      new TemplateRun(ctx, t, scenarioParams(root, t, s, out), `scenario '${s.name}'`).run();
      for (const f of parsed.keys()) reached.add(f);
    }
  for (const file of files)
    if (!reached.has(file)) new TemplateRun(ctx, load(file), new Map(), `${file} on its own`).run();
  return out.list.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** Parses each template once, by root-relative path. */
function templateCache(root: string): { parsed: Map<string, Template>; load: (file: string) => Template } {
  const parsed = new Map<string, Template>();
  const load = (file: string): Template => {
    let t = parsed.get(file);
    if (!t) {
      t = parseTemplate(join(root, file), file);
      parsed.set(file, t);
    }
    return t;
  };
  return { parsed, load };
}

const stores = new Map<string, TypeStore>();
/** Azure's type data is large; one store per checked root serves every run. */
function typeStore(root: string): TypeStore {
  let store = stores.get(root);
  if (!store) stores.set(root, (store = new TypeStore(join(root, 'infra', 'types'))));
  return store;
}

/** What infra/main.bicep deploys in one scenario, as the checker evaluates it. */
export interface Deployment {
  /** Every resource instance the scenario deploys or reads, modules' included. */
  readonly resources: readonly DeployedResource[];
  readonly outputs: ReadonlyMap<string, Value>;
  /** What the checker found wrong on the way; a deployment is only as good as an empty list. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Evaluates infra/main.bicep under `root` for one scenario and lists what it deploys. */
export function deploymentOf(root: string, scenario: Scenario): Deployment {
  const out = new Diagnostics();
  const { load } = templateCache(root);
  const resources: DeployedResource[] = [];
  const ctx: RunContext = { root, types: typeStore(root), out, load, deployed: resources };
  const main = load('infra/main.bicep');
  for (const p of main.problems) out.add(p, p.message);
  const run = new TemplateRun(ctx, main, scenarioParams(root, main, scenario, out), `scenario '${scenario.name}'`);
  run.run();
  return { resources, outputs: run.outputs, diagnostics: out.list };
}
