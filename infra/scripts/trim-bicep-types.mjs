// @ts-check
// Makes infra/types/: a trimmed copy of Azure's resource type definitions for Bicep, holding
// only the `type@apiVersion` pairs the templates under infra/ declare. The source is the
// Azure/bicep-types-az repository (generated/<provider>/<namespace>/<apiVersion>/types.json),
// the data the Bicep compiler embeds. test/infra/ checks every template against this copy.
//
//   npm run infra:types -- --source <bicep-types-az checkout or bare git dir> [--commit <sha>]
//   npm run infra:types -- --check      # which declared types the copy lacks
//
// The files are read and written with the `bicep-types` package (readTypesJson, buildIndex,
// writeTypesJson, writeIndexJson), so the copy keeps the published format. Trimming keeps each
// resource type's body and every type it reaches, drops resource functions (listKeys and the
// like, which the templates do not call) and descriptions, and renumbers the references.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIndex, readIndexJson, readTypesJson, TypeReference, writeIndexJson, writeTypesJson } from 'bicep-types';
import Parser from 'tree-sitter';
import Bicep from 'tree-sitter-bicep';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const INFRA = join(ROOT, 'infra');
const OUT = join(INFRA, 'types');

/** Every .bicep file under infra/, sorted. */
function bicepFiles(/** @type {string} */ dir) {
  /** @type {string[]} */
  const found = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...bicepFiles(path));
    else if (entry.endsWith('.bicep')) found.push(path);
  }
  return found;
}

/** `type@apiVersion` of every resource declaration, with the files that declare it. */
export function declaredTypes() {
  const parser = new Parser();
  parser.setLanguage(Bicep);
  /** @type {Map<string, string[]>} */
  const types = new Map();
  for (const file of bicepFiles(INFRA)) {
    const tree = parser.parse(readFileSync(file, 'utf8'));
    for (const node of tree.rootNode.descendantsOfType('resource_declaration')) {
      const literal = node.namedChildren.find((c) => c.type === 'string');
      if (!literal) continue;
      const key = literal.text.slice(1, -1);
      const where = `${relative(ROOT, file)}:${node.startPosition.row + 1}`;
      types.set(key, [...(types.get(key) ?? []), where]);
    }
  }
  return types;
}

/** Keys of the copy's index, lower-cased as the Bicep compiler compares them. */
function copiedTypes() {
  const indexPath = join(OUT, 'index.json');
  if (!existsSync(indexPath)) return new Set();
  return new Set(Object.keys(readIndexJson(readFileSync(indexPath, 'utf8')).resources).map((k) => k.toLowerCase()));
}

/** Reads files from a checkout (a folder with generated/) or from a bare git directory. */
function sourceReader(/** @type {string} */ source, /** @type {string | undefined} */ commitArg) {
  if (existsSync(join(source, 'generated'))) {
    const commit = commitArg ?? execFileSync('git', ['-C', source, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    return {
      commit,
      list: (/** @type {string} */ namespace, /** @type {string} */ version) =>
        readdirSync(join(source, 'generated'))
          .map((provider) => `${provider}/${namespace}/${version}/types.json`)
          .filter((path) => existsSync(join(source, 'generated', path))),
      read: (/** @type {string} */ path) => readFileSync(join(source, 'generated', path), 'utf8'),
      licence: () => readFileSync(join(source, 'LICENSE'), 'utf8'),
    };
  }
  const git = (/** @type {string[]} */ args) => execFileSync('git', ['--git-dir', source, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const commit = commitArg ?? git(['rev-parse', 'HEAD']).trim();
  // One listing of every types.json; with a partial clone (--filter=blob:none) only the files read are fetched.
  const all = git(['ls-tree', '-r', '--name-only', commit, 'generated/'])
    .split('\n')
    .filter((p) => p.endsWith('/types.json'))
    .map((p) => p.slice('generated/'.length));
  return {
    commit,
    list: (/** @type {string} */ namespace, /** @type {string} */ version) =>
      all.filter((path) => path.toLowerCase().endsWith(`/${namespace}/${version}/types.json`.toLowerCase())),
    read: (/** @type {string} */ path) => git(['show', `${commit}:generated/${path}`]),
    licence: () => git(['show', `${commit}:LICENSE`]),
  };
}

/**
 * The types reachable from the wanted resource types, renumbered from 0.
 * @param {import('bicep-types').BicepType[]} types
 * @param {Set<string>} wanted lower-cased `type@apiVersion`
 */
function trim(types, wanted) {
  /** @type {number[]} */
  const keep = [];
  const seen = new Set();
  /**
   * Metadata the checks never read: a type's or property's description text, and a resource
   * type's functions (listKeys and the like). Only those: an object's property *named*
   * "description" or "functions" (ScheduledQueryRuleProperties has one) is kept.
   * @param {object} owner @param {string} key @param {unknown} value
   */
  const dropped = (owner, key, value) =>
    (key === 'description' && typeof value === 'string') || (key === 'functions' && 'body' in owner && 'name' in owner);
  /** @param {unknown} value */
  const visit = (value) => {
    if (value instanceof TypeReference) {
      if (seen.has(value.index)) return;
      seen.add(value.index);
      keep.push(value.index);
      visit(types[value.index]);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) if (!dropped(value, k, v)) visit(v);
  };
  types.forEach((type, index) => {
    if (type.type === 'ResourceType' && wanted.has(type.name.toLowerCase())) visit(new TypeReference(index));
  });
  keep.sort((a, b) => a - b);
  const renumber = new Map(keep.map((old, i) => [old, i]));
  /** @param {unknown} value @returns {any} */
  const copy = (value) => {
    if (value instanceof TypeReference) return new TypeReference(/** @type {number} */ (renumber.get(value.index)));
    if (Array.isArray(value)) return value.map(copy);
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value).filter(([k, v]) => !dropped(value, k, v)).map(([k, v]) => [k, copy(v)]),
      );
    return value;
  };
  return keep.map((old) => copy(types[old]));
}

function main() {
  const args = process.argv.slice(2);
  const option = (/** @type {string} */ name) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const declared = declaredTypes();
  if (args.includes('--check')) {
    const copied = copiedTypes();
    const missing = [...declared].filter(([key]) => !copied.has(key.toLowerCase()));
    for (const [key, where] of missing)
      console.error(`${where.join(', ')}: ${key} is not in infra/types; run npm run infra:types -- --source <bicep-types-az>`);
    console.log(missing.length === 0 ? `infra/types holds all ${declared.size} declared resource types` : '');
    process.exit(missing.length === 0 ? 0 : 1);
  }
  const source = option('--source');
  if (!source) throw new Error('--source <bicep-types-az checkout or git dir> is required (or --check)');
  const reader = sourceReader(resolve(source), option('--commit'));

  // Group the wanted types by the folder that holds them: <namespace>/<apiVersion>.
  /** @type {Map<string, Set<string>>} */
  const byFolder = new Map();
  for (const key of declared.keys()) {
    const [type, version] = key.split('@');
    if (!type || !version) throw new Error(`${declared.get(key)?.join(', ')}: '${key}' is not type@apiVersion`);
    const folder = `${type.split('/')[0]?.toLowerCase()}/${version}`;
    byFolder.set(folder, (byFolder.get(folder) ?? new Set()).add(key.toLowerCase()));
  }

  rmSync(OUT, { recursive: true, force: true });
  /** @type {import('bicep-types').TypeFile[]} */
  const files = [];
  for (const [folder, wanted] of [...byFolder].sort()) {
    const [namespace, version] = /** @type {[string, string]} */ (folder.split('/'));
    const found = new Set();
    for (const path of reader.list(namespace, version)) {
      const all = readTypesJson(reader.read(path));
      const here = all.filter((t) => t.type === 'ResourceType' && wanted.has(t.name.toLowerCase()));
      if (here.length === 0) continue;
      here.forEach((t) => t.type === 'ResourceType' && found.add(t.name.toLowerCase()));
      const trimmed = trim(all, wanted);
      files.push({ relativePath: path, types: trimmed });
      mkdirSync(join(OUT, dirname(path)), { recursive: true });
      writeFileSync(join(OUT, path), writeTypesJson(trimmed) + '\n');
    }
    for (const key of wanted)
      if (!found.has(key)) throw new Error(`${key}: not found under generated/*/${namespace}/${version}/ at ${reader.commit}`);
  }
  const index = buildIndex(files, (line) => console.error(line));
  writeFileSync(join(OUT, 'index.json'), writeIndexJson(index) + '\n');
  writeFileSync(
    join(OUT, 'SOURCE.md'),
    [
      '# Source of these files',
      '',
      'Trimmed from https://github.com/Azure/bicep-types-az (MIT licence, copied in LICENSE here),',
      `commit ${reader.commit}, folder generated/, by infra/scripts/trim-bicep-types.mjs.`,
      'Only the resource types the templates declare are kept, with the types they reach;',
      'descriptions and resource functions are dropped. Do not edit by hand: run the script.',
      '',
      'Files:',
      ...files.map((f) => `- ${f.relativePath}`),
      '',
    ].join('\n'),
  );
  writeFileSync(join(OUT, 'LICENSE'), reader.licence());
  console.log(`wrote ${Object.keys(index.resources).length} resource types from ${files.length} files to ${relative(ROOT, OUT)}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
