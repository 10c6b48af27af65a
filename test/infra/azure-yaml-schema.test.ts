import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import type { Options, ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { REPO_ROOT } from './support/bicep-reader.js';

// azure.yaml against azd's published schema (v1.0), kept in infra/schemas/azd because the
// tests run offline. The schema is draft 2019-09; the extension schemas it references are
// draft-07, so both meta-schemas are loaded.

const require = createRequire(import.meta.url);
/** The ajv surface used here; ajv is CommonJS, so it is loaded with require. */
interface SchemaValidator {
  addMetaSchema(schema: object): unknown;
  addSchema(schema: object, key?: string): unknown;
  compile(schema: object): ValidateFunction;
}
const Ajv2019 = (require('ajv/dist/2019.js') as { default: new (options: Options) => SchemaValidator }).default;
const draft7 = require('ajv/dist/refs/json-schema-draft-07.json') as object;

const SCHEMAS = join(REPO_ROOT, 'infra', 'schemas', 'azd');
const EXTENSIONS_URL = 'https://raw.githubusercontent.com/Azure/azure-dev/main/cli/azd/extensions';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const path = join(dir, e);
    return statSync(path).isDirectory() ? jsonFiles(path) : e.endsWith('.json') ? [path] : [];
  });
}

function azureYamlValidator(): ValidateFunction {
  // strict: false because azd's schema carries editor keywords (markdown descriptions and the
  // like) that are not JSON Schema vocabulary; validation keywords are all applied.
  // The `uri` format appears only in the extension schemas of AI service hosts, which this
  // template does not use; it is declared rather than left to ajv's "unknown format" warning.
  const ajv = new Ajv2019({ strict: false, allErrors: true, formats: { uri: true } });
  ajv.addMetaSchema(draft7);
  // Registered under the address azure.yaml.json refers to them by (some carry no $id).
  for (const file of jsonFiles(join(SCHEMAS, 'extensions')))
    ajv.addSchema(
      { ...(JSON.parse(readFileSync(file, 'utf8')) as object), $id: `${EXTENSIONS_URL}/${relative(join(SCHEMAS, 'extensions'), file)}` },
    );
  return ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, 'azure.yaml.json'), 'utf8')) as object);
}

const errorsOf = (validate: ValidateFunction, doc: unknown): string[] =>
  validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);

describe("azure.yaml against azd's schema", () => {
  const validate = azureYamlValidator();
  const text = readFileSync(join(REPO_ROOT, 'azure.yaml'), 'utf8');

  it('names the schema it is checked against', () => {
    const id = (JSON.parse(readFileSync(join(SCHEMAS, 'azure.yaml.json'), 'utf8')) as { $id: string }).$id;
    assert.ok(text.startsWith(`# yaml-language-server: $schema=${id}`), `azure.yaml's first line should name ${id}`);
  });

  it('is valid', () => {
    assert.deepEqual(errorsOf(validate, parse(text)), []);
  });

  for (const [name, edit] of [
    // azd's schema lets a service carry unknown keys, so a misspelt key is not among these;
    // test/infra/deploy-files.test.ts checks the keys Sluice relies on by name.
    ['a string for remoteBuild', (d: Record<string, any>) => { d.services.app.remoteBuild = 'no'; }],
    ['remoteBuild on a host that is not a function app', (d: Record<string, any>) => { d.services.app.host = 'appservice'; }],
    ['a hook without run', (d: Record<string, any>) => { delete d.services.app.hooks.prepackage.posix.run; }],
    ['a missing name', (d: Record<string, any>) => { delete d.name; }],
  ] as const) {
    it(`rejects ${name}`, () => {
      const doc = parse(text) as Record<string, any>;
      edit(doc);
      assert.notDeepEqual(errorsOf(validate, doc), []);
    });
  }
});
