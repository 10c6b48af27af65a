import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkSettingNames, loadConfig, readConnection } from '#sluice/config/config.js';
import { parseSettingName, sharedSettingName } from '#sluice/config/setting-names.js';
import { Broken, SETTING_LIST, SETTINGS, type SettingSpec } from '#sluice/config/settings.js';
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
// the Bicep app settings and local.settings.example.json. Both write every setting under its
// app-wide name Sluice__<Key> (the Azure app-settings convention); the Bicep also keeps the few
// SLUICE_* names that functions/ still reads. Everything is derived from SETTING_LIST; the only
// names written here are the exceptions below.

/**
 * Settings the Bicep may leave out because the app's default is right in Azure too. Empty
 * today: every setting is written out so the portal shows the full configuration.
 */
const OPTIONAL_WITH_DEFAULT: ReadonlySet<string> = new Set<string>([]);

/**
 * Settings whose Azure value names a resource infra creates, so it may differ from the local
 * default (the receiver gets its own consumer group instead of $Default).
 */
const NAMED_BY_INFRA: ReadonlySet<string> = new Set([sharedSettingName(SETTINGS.eventHubName), sharedSettingName(SETTINGS.consumerGroup)]);

/** App settings besides Sluice's own that local.settings.example.json carries for the local host. */
const LOCAL_PLATFORM_SETTINGS: ReadonlySet<string> = new Set(['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage', 'EventHubConnection']);

const main = readBicep(join(INFRA_DIR, 'main.bicep'));
const mainParams = new Map(params(main).map((p) => [p.name, p]));
const mainVars = simpleVars(main);
const sluiceSettings = objectVar(main, 'sluiceSettings');
/** SLUICE_* names the Bicep keeps only while a binding still names them (none today: Sluice resolves names itself). */
const legacySettings: ReadonlyMap<string, string> = /\bvar legacySettings\b/.test(main.code) ? objectVar(main, 'legacySettings') : new Map();
/** Each setting's app-wide name, as the Bicep and local.settings.example.json write it. */
const named = (spec: SettingSpec<unknown>): string => sharedSettingName(spec);

/** Param defaults and one-line vars, as the evaluator's name lookup. */
function lookup(name: string): string | undefined {
  return mainParams.get(name)?.defaultExpr ?? mainVars.get(name);
}

/** The value of every Sluice app setting when each param keeps its default, legacy names too. */
function deployedSettings(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, expr] of sluiceSettings) {
    const value = evaluate(expr, lookup);
    assert.notEqual(value, undefined, `infra/main.bicep: sluiceSettings.${name} = ${expr} cannot be evaluated from param defaults`);
    out[name] = value!;
  }
  for (const [name, expr] of legacySettings) {
    const ref = /^sluiceSettings\.([A-Za-z0-9_]+)$/.exec(expr);
    const value = ref ? out[ref[1]!] : evaluate(expr, lookup);
    assert.notEqual(value, undefined, `infra/main.bicep: legacySettings.${name} = ${expr} cannot be evaluated`);
    out[name] = value!;
  }
  return out;
}

/** The TypeScript the deployed app runs that reads settings by name: functions/ and src/app/. */
function appSources(): string {
  return ['functions', join('packages', 'sluice', 'src', 'app')]
    .flatMap((dir) => readdirSync(join(REPO_ROOT, dir)).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(REPO_ROOT, dir, f), 'utf8')))
    .join('\n');
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
    const names = new Set(SETTING_LIST.map(named));
    for (const n of [...OPTIONAL_WITH_DEFAULT, ...NAMED_BY_INFRA]) assert.ok(names.has(n), `${n} is listed as an exception but is not in SETTING_LIST`);
    for (const s of SETTING_LIST) {
      assert.ok(!(s.tunable && OPTIONAL_WITH_DEFAULT.has(named(s))), `${named(s)} is tunable, so it must be a Bicep param, not optional`);
    }
  });

  it('every setting in SETTING_LIST is set in the app settings', () => {
    const missing = SETTING_LIST.filter((s) => !sluiceSettings.has(named(s)) && !OPTIONAL_WITH_DEFAULT.has(named(s))).map(named);
    assert.deepEqual(missing, [], `add these to sluiceSettings in infra/main.bicep: ${missing.join(', ')}`);
    const unknown = [...sluiceSettings.keys()].filter((k) => !SETTING_LIST.some((s) => named(s) === k));
    assert.deepEqual(unknown, [], `sluiceSettings in infra/main.bicep sets names that are no setting's Sluice__<Key>: ${unknown.join(', ')}`);
  });

  it('every SLUICE_* and Sluice__ name in infra/ is a setting\'s legacy or app-wide name', () => {
    const legacy = new Set(SETTING_LIST.map((s) => s.legacyName));
    const shared = new Set(SETTING_LIST.map(named));
    for (const path of [...infraFiles('.bicep'), ...infraFiles('.json')]) {
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(/\bSLUICE_[A-Z0-9_]+/g)) {
        assert.ok(legacy.has(m[0]), `${path.slice(REPO_ROOT.length + 1)} names ${m[0]}, which is no setting's legacy name`);
      }
      for (const m of text.matchAll(/\bSluice__[A-Za-z0-9_]+/g)) {
        // `Sluice__Streams__` alone is prose for Sluice__Streams__<stream>__<Key>; a written-out
        // per-stream name is judged by its key.
        if (m[0] === 'Sluice__Streams__') continue;
        const parsedName = parseSettingName(m[0]);
        const key = parsedName && parsedName.kind !== 'malformed' ? parsedName.key : '';
        assert.ok(shared.has(`Sluice__${key}`), `${path.slice(REPO_ROOT.length + 1)} names ${m[0]}, which is no setting's Sluice__<Key>`);
      }
    }
  });

  it('each SLUICE_* name the Bicep keeps carries its setting\'s value and is still read by the app', () => {
    const sources = appSources();
    const bound = [...new Set([...sources.matchAll(/%(SLUICE_[A-Z_]+)%/g)].map((m) => m[1]!))];
    assert.deepEqual(bound.filter((name) => !legacySettings.has(name)), [], 'every %SLUICE_*% a binding names is kept in legacySettings');
    for (const [name, expr] of legacySettings) {
      const spec = SETTING_LIST.find((s) => s.legacyName === name);
      assert.ok(spec, `legacySettings.${name} is no setting's legacy name`);
      assert.equal(expr, `sluiceSettings.${named(spec)}`, `legacySettings.${name} must be sluiceSettings.${named(spec)}, so the two names cannot disagree`);
      assert.ok(sources.includes(`%${name}%`), `nothing in functions/ or src/app/ binds %${name}% any more: remove it from legacySettings`);
    }
  });

  it('every %setting% a binding in functions/ names is set in the app settings', () => {
    const deployed = deployedSettings();
    // The host looks a binding's %name% up as the environment variable of exactly that name, or
    // with `:` written `__` (Azure/azure-webjobs-sdk DefaultNameResolver.cs, Azure/azure-functions-host
    // src/WebJobs.Script/Config/ScriptEnvironmentVariablesConfigurationSource.cs): no case folding.
    const bindings = (text: string): string[] => [...text.matchAll(/'%([A-Za-z0-9_:]+)%'/g)].map((m) => m[1]!);
    // Today the app resolves names itself and binds literals, so there are none; the scan must still see one.
    assert.deepEqual(bindings(`eventHubName: '%Sluice__EventHubName%'`), ['Sluice__EventHubName']);
    const bound = bindings(appSources());
    for (const name of bound) assert.ok(name in deployed || name.replace(/:/g, '__') in deployed, `a binding names %${name}%, which the Bicep does not set`);
  });

  it('tunable settings are Bicep params whose defaults give the SETTINGS default', () => {
    const values = deployedSettings();
    for (const spec of SETTING_LIST.filter((s) => s.tunable)) {
      const name = named(spec);
      const expr = sluiceSettings.get(name);
      assert.ok(expr, `${name} is tunable but not in sluiceSettings`);
      const used = paramsReferenced(expr);
      assert.ok(used.length > 0, `${name} is tunable, so its value must come from a param of infra/main.bicep (now: ${expr})`);
      for (const p of used) assert.notEqual(mainParams.get(p)!.defaultExpr, undefined, `param ${p} (${name}) needs a default`);
      // Compare parsed values, so a unit conversion ('${blockRetentionDays}d') is judged by meaning.
      assert.deepEqual(
        parsed(spec, values[name]!),
        parsed(spec, spec.default),
        `${name}: Bicep default gives ${JSON.stringify(values[name])}, SETTINGS default is ${JSON.stringify(spec.default)}`,
      );
    }
  });

  it('settings that are not tunable are set to their defaults, not exposed as params', () => {
    const values = deployedSettings();
    for (const spec of SETTING_LIST.filter((s) => !s.tunable && sluiceSettings.has(named(s)))) {
      const name = named(spec);
      if (NAMED_BY_INFRA.has(name)) {
        parsed(spec, values[name]!);
        continue;
      }
      const expr = sluiceSettings.get(name)!;
      assert.deepEqual(paramsReferenced(expr), [], `${name} is not tunable in SETTINGS but reads a param (${expr}); make it tunable or a literal`);
      assert.equal(values[name], spec.default, `${name} should be its default ${JSON.stringify(spec.default)}`);
    }
  });

  it('the deployed settings pass loadConfig (batch a multiple of block, names valid, no clashes)', () => {
    const deployed = deployedSettings();
    const config = loadConfig(deployed);
    // Read through the Sluice__ names: a value only the legacy name carried would not show here.
    assert.equal(config.consumerGroup, deployed[named(SETTINGS.consumerGroup)]);
    assert.doesNotThrow(() => checkSettingNames([config.streamName], deployed));
  });

  it('every container and table setting is created by the storage module', () => {
    const containerSettings = SETTING_LIST.filter((s) => /container name/.test(s.rule));
    const tableSettings = SETTING_LIST.filter((s) => /table name/.test(s.rule));
    assert.ok(containerSettings.length > 0 && tableSettings.length > 0, 'no container or table settings found by their rule text');
    const containers = arrayItems(main, 'containerNames');
    const tables = arrayItems(main, 'tableNames');
    for (const s of containerSettings) assert.ok(containers.includes(`sluiceSettings.${named(s)}`), `containerNames lacks sluiceSettings.${named(s)}`);
    for (const s of tableSettings) assert.ok(tables.includes(`sluiceSettings.${named(s)}`), `tableNames lacks sluiceSettings.${named(s)}`);
  });

  it('the lifecycle rule deletes blocks of the blocks container after the block retention', () => {
    const storageCall = objectBlock(main, /^params:\s*\{$/, 'storage module params', main.code.split('\n').findIndex((l) => l.startsWith("module storage '")));
    assert.equal(storageCall.get('blocksContainerName'), `sluiceSettings.${named(SETTINGS.blocksContainer)}`);
    const retentionParams = paramsReferenced(sluiceSettings.get(named(SETTINGS.blockRetentionMs)) ?? '');
    assert.equal(retentionParams.length, 1, `${named(SETTINGS.blockRetentionMs)} should come from exactly one param`);
    assert.equal(storageCall.get('blockRetentionDays'), retentionParams[0], 'the lifecycle rule and the block retention must use the same param');
    // One lifecycle rule for the app is why the block retention is app-scoped.
    assert.equal(SETTINGS.blockRetentionMs.scope, 'app');
    const storage = readBicep(join(INFRA_DIR, 'app', 'storage.bicep')).code;
    assert.match(storage, /prefixMatch:\s*\[\s*'\$\{blocksContainerName\}\/'\s*\]/, 'prefixMatch should be "<blocks container>/"');
    assert.match(storage, /daysAfterModificationGreaterThan:\s*blockRetentionDays/);
    assert.match(storage, /blobTypes:\s*\[\s*'blockBlob'\s*\]/);
  });

  it('the Event Hubs starting position is mapped to the extension\'s initialOffsetOptions', () => {
    const spec = SETTINGS.startingPosition;
    // host.json's initialOffsetOptions is one for every trigger of the app, hence the app scope.
    assert.equal(spec.scope, 'app');
    const param = paramsReferenced(sluiceSettings.get(named(spec)) ?? '')[0];
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

  it('has exactly the SETTING_LIST app-wide names and the Bicep\'s SLUICE_* names, each with its default', () => {
    // The legacy names are there for the same reason as in the Bicep: Core Tools resolves
    // today's %SLUICE_*% bindings from this file.
    const sluiceKeys = Object.keys(values).filter((k) => !LOCAL_PLATFORM_SETTINGS.has(k)).sort();
    assert.deepEqual(sluiceKeys, [...SETTING_LIST.map(named), ...legacySettings.keys()].sort());
    for (const s of SETTING_LIST) assert.equal(values[named(s)], s.default, `${named(s)} should be ${JSON.stringify(s.default)}`);
    for (const name of legacySettings.keys()) {
      const spec = SETTING_LIST.find((s) => s.legacyName === name)!;
      assert.equal(values[name], spec.default, `${name} should be its default ${JSON.stringify(spec.default)}`);
    }
  });

  it('loads with loadConfig and gives a connection-string storage connection', () => {
    const env = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
    assert.doesNotThrow(() => loadConfig(env));
    assert.doesNotThrow(() => checkSettingNames([], env));
    assert.equal(readConnection(storageName(), env).kind, 'connectionString');
  });
});

/** The connection Sluice's storage uses in Azure: the StorageConnection default. */
function storageName(): string {
  return SETTINGS.storageConnection.default;
}
