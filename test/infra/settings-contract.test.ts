import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, readConnection } from '#sluice/config/config.js';
import { Broken, SETTING_LIST, type SettingSpec } from '#sluice/config/settings.js';
import {
  INFRA_DIR,
  REPO_ROOT,
  arrayItems,
  evaluate,
  identifiers,
  infraFiles,
  objectBlock,
  objectVar,
  params,
  readBicep,
  simpleVars,
} from './support/bicep-reader.js';

// The settings contract between src/config/settings.ts (SETTING_LIST, the source of truth),
// the Bicep app settings and local.settings.example.json. Everything is derived from
// SETTING_LIST; the only names written here are the exceptions below.

/**
 * Settings the Bicep may leave out because the app's default is right in Azure too. Empty
 * today: every setting is written out so the portal shows the full configuration.
 */
const OPTIONAL_WITH_DEFAULT: ReadonlySet<string> = new Set<string>([]);

/**
 * Settings whose Azure value names a resource infra creates, so it may differ from the local
 * default (the receiver gets its own consumer group instead of $Default).
 */
const NAMED_BY_INFRA: ReadonlySet<string> = new Set(['SLUICE_EVENTHUB_NAME', 'SLUICE_CONSUMER_GROUP']);

/** App settings besides Sluice's own that local.settings.example.json carries for the local host. */
const LOCAL_PLATFORM_SETTINGS: ReadonlySet<string> = new Set(['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage', 'EventHubConnection']);

const main = readBicep(join(INFRA_DIR, 'main.bicep'));
const mainParams = new Map(params(main).map((p) => [p.name, p]));
const mainVars = simpleVars(main);
const sluiceSettings = objectVar(main, 'sluiceSettings');

/** Param defaults and one-line vars, as the evaluator's name lookup. */
function lookup(name: string): string | undefined {
  return mainParams.get(name)?.defaultExpr ?? mainVars.get(name);
}

/** The value of every Sluice app setting when each param keeps its default. */
function deployedSettings(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, expr] of sluiceSettings) {
    const value = evaluate(expr, lookup);
    assert.notEqual(value, undefined, `infra/main.bicep: sluiceSettings.${name} = ${expr} cannot be evaluated from param defaults`);
    out[name] = value!;
  }
  return out;
}

function parsed(spec: SettingSpec<unknown>, raw: string): unknown {
  const value = spec.parse(raw);
  assert.ok(!(value instanceof Broken), `${spec.name}=${JSON.stringify(raw)} is invalid: ${value instanceof Broken ? value.rule : ''}`);
  return value;
}

function paramsReferenced(expr: string): string[] {
  return identifiers(expr).filter((id) => mainParams.has(id));
}

describe('settings contract: SETTING_LIST <-> infra/main.bicep', () => {
  it('the exception lists name real settings', () => {
    const names = new Set(SETTING_LIST.map((s) => s.name));
    for (const n of [...OPTIONAL_WITH_DEFAULT, ...NAMED_BY_INFRA]) assert.ok(names.has(n), `${n} is listed as an exception but is not in SETTING_LIST`);
    for (const s of SETTING_LIST) {
      assert.ok(!(s.tunable && OPTIONAL_WITH_DEFAULT.has(s.name)), `${s.name} is tunable, so it must be a Bicep param, not optional`);
    }
  });

  it('every setting in SETTING_LIST is set in the app settings', () => {
    const missing = SETTING_LIST.filter((s) => !sluiceSettings.has(s.name) && !OPTIONAL_WITH_DEFAULT.has(s.name)).map((s) => s.name);
    assert.deepEqual(missing, [], `add these to sluiceSettings in infra/main.bicep: ${missing.join(', ')}`);
  });

  it('every SLUICE_* name in infra/ is in SETTING_LIST', () => {
    const known = new Set(SETTING_LIST.map((s) => s.name));
    for (const path of [...infraFiles('.bicep'), ...infraFiles('.json')]) {
      for (const m of readFileSync(path, 'utf8').matchAll(/\bSLUICE_[A-Z0-9_]+/g)) {
        assert.ok(known.has(m[0]), `${path.slice(REPO_ROOT.length + 1)} names ${m[0]}, which is not in SETTING_LIST`);
      }
    }
  });

  it('tunable settings are Bicep params whose defaults give the SETTINGS default', () => {
    const values = deployedSettings();
    for (const spec of SETTING_LIST.filter((s) => s.tunable)) {
      const expr = sluiceSettings.get(spec.name);
      assert.ok(expr, `${spec.name} is tunable but not in sluiceSettings`);
      const used = paramsReferenced(expr);
      assert.ok(used.length > 0, `${spec.name} is tunable, so its value must come from a param of infra/main.bicep (now: ${expr})`);
      for (const p of used) assert.notEqual(mainParams.get(p)!.defaultExpr, undefined, `param ${p} (${spec.name}) needs a default`);
      // Compare parsed values, so a unit conversion ('${blockRetentionDays}d') is judged by meaning.
      assert.deepEqual(
        parsed(spec, values[spec.name]!),
        parsed(spec, spec.default),
        `${spec.name}: Bicep default gives ${JSON.stringify(values[spec.name])}, SETTINGS default is ${JSON.stringify(spec.default)}`,
      );
    }
  });

  it('settings that are not tunable are set to their defaults, not exposed as params', () => {
    const values = deployedSettings();
    for (const spec of SETTING_LIST.filter((s) => !s.tunable && sluiceSettings.has(s.name))) {
      if (NAMED_BY_INFRA.has(spec.name)) {
        parsed(spec, values[spec.name]!);
        continue;
      }
      const expr = sluiceSettings.get(spec.name)!;
      assert.deepEqual(paramsReferenced(expr), [], `${spec.name} is not tunable in SETTINGS but reads a param (${expr}); make it tunable or a literal`);
      assert.equal(values[spec.name], spec.default, `${spec.name} should be its default ${JSON.stringify(spec.default)}`);
    }
  });

  it('the deployed settings pass loadConfig (batch a multiple of block, names valid, no clashes)', () => {
    assert.doesNotThrow(() => loadConfig(deployedSettings()));
  });

  it('every container and table setting is created by the storage module', () => {
    const containerSettings = SETTING_LIST.filter((s) => /container name/.test(s.rule));
    const tableSettings = SETTING_LIST.filter((s) => /table name/.test(s.rule));
    assert.ok(containerSettings.length > 0 && tableSettings.length > 0, 'no container or table settings found by their rule text');
    const containers = arrayItems(main, 'containerNames');
    const tables = arrayItems(main, 'tableNames');
    for (const s of containerSettings) assert.ok(containers.includes(`sluiceSettings.${s.name}`), `containerNames lacks sluiceSettings.${s.name}`);
    for (const s of tableSettings) assert.ok(tables.includes(`sluiceSettings.${s.name}`), `tableNames lacks sluiceSettings.${s.name}`);
  });

  it('the lifecycle rule deletes blocks of the blocks container after the block retention', () => {
    const storageCall = objectBlock(main, /^params:\s*\{$/, 'storage module params', main.code.split('\n').findIndex((l) => l.startsWith("module storage '")));
    assert.equal(storageCall.get('blocksContainerName'), 'sluiceSettings.SLUICE_BLOCKS_CONTAINER');
    const retentionParams = paramsReferenced(sluiceSettings.get('SLUICE_BLOCK_RETENTION') ?? '');
    assert.equal(retentionParams.length, 1, 'SLUICE_BLOCK_RETENTION should come from exactly one param');
    assert.equal(storageCall.get('blockRetentionDays'), retentionParams[0], 'the lifecycle rule and SLUICE_BLOCK_RETENTION must use the same param');
    const storage = readBicep(join(INFRA_DIR, 'app', 'storage.bicep')).code;
    assert.match(storage, /prefixMatch:\s*\[\s*'\$\{blocksContainerName\}\/'\s*\]/, 'prefixMatch should be "<blocks container>/"');
    assert.match(storage, /daysAfterModificationGreaterThan:\s*blockRetentionDays/);
    assert.match(storage, /blobTypes:\s*\[\s*'blockBlob'\s*\]/);
  });

  it('the Event Hubs starting position is mapped to the extension\'s initialOffsetOptions', () => {
    const spec = SETTING_LIST.find((s) => s.name === 'SLUICE_STARTING_POSITION');
    assert.ok(spec, 'SLUICE_STARTING_POSITION left SETTING_LIST: revisit the host override in main.bicep');
    const param = paramsReferenced(sluiceSettings.get(spec.name) ?? '')[0];
    assert.ok(param);
    assert.match(main.code, new RegExp(`var initialOffsetType = ${param} == 'earliest' \\? 'fromStart' : \\(${param} == 'latest' \\? 'fromEnd' : 'fromEnqueuedTime'\\)`));
    assert.match(main.code, /AzureFunctionsJobHost__extensions__eventHubs__initialOffsetOptions__type: initialOffsetType/);
    assert.match(main.code, new RegExp(`AzureFunctionsJobHost__extensions__eventHubs__initialOffsetOptions__enqueuedTimeUtc: ${param}`));
  });
});

describe('settings contract: the app\'s connections', () => {
  const fn = readBicep(join(INFRA_DIR, 'app', 'function.bicep'));
  const connections = objectVar(fn, 'connectionSettings');

  it('storage and Event Hubs connections are identity-based with the app\'s client id', () => {
    for (const conn of [storageName(), 'EventHubConnection']) {
      assert.equal(connections.has(conn), false, `${conn} must not be a connection string in Azure`);
      assert.equal(connections.get(`${conn}__credential`), "'managedidentity'");
      assert.equal(connections.get(`${conn}__clientId`), 'identityClientId');
    }
    assert.equal(connections.get(`${storageName()}__accountName`), 'storage.name');
    assert.equal(connections.get('EventHubConnection__fullyQualifiedNamespace'), 'eventHubFullyQualifiedNamespace');
  });

  it('readConnection sees an identity connection in those settings', () => {
    const name = storageName();
    const env = { [`${name}__accountName`]: 'stexample', [`${name}__credential`]: 'managedidentity', [`${name}__clientId`]: 'id' };
    const c = readConnection(name, env);
    assert.equal(c.kind, 'identity');
    assert.equal(c.kind === 'identity' && c.blobServiceUri, 'https://stexample.blob.core.windows.net');
    assert.equal(c.kind === 'identity' && c.clientId, 'id');
  });
});

describe('settings contract: local.settings.example.json', () => {
  const file = JSON.parse(readFileSync(join(REPO_ROOT, 'local.settings.example.json'), 'utf8')) as { IsEncrypted?: unknown; Values?: Record<string, unknown> };
  const values = file.Values ?? {};

  it('is unencrypted and has the local host\'s platform settings', () => {
    assert.equal(file.IsEncrypted, false);
    assert.equal(values['FUNCTIONS_WORKER_RUNTIME'], 'node');
    assert.equal(values['AzureWebJobsStorage'], 'UseDevelopmentStorage=true');
    assert.equal(
      values['EventHubConnection'],
      'Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true',
    );
  });

  it('has exactly the SETTING_LIST names, each with its default', () => {
    const sluiceKeys = Object.keys(values).filter((k) => !LOCAL_PLATFORM_SETTINGS.has(k)).sort();
    assert.deepEqual(sluiceKeys, SETTING_LIST.map((s) => s.name).sort());
    for (const s of SETTING_LIST) assert.equal(values[s.name], s.default, `${s.name} should be ${JSON.stringify(s.default)}`);
  });

  it('loads with loadConfig and gives a connection-string storage connection', () => {
    const env = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
    assert.doesNotThrow(() => loadConfig(env));
    assert.equal(readConnection(storageName(), env).kind, 'connectionString');
  });
});

/** The connection Sluice's storage uses in Azure: the SLUICE_STORAGE_CONNECTION default. */
function storageName(): string {
  const spec = SETTING_LIST.find((s) => s.name === 'SLUICE_STORAGE_CONNECTION');
  assert.ok(spec, 'SLUICE_STORAGE_CONNECTION left SETTING_LIST');
  return spec.default;
}
