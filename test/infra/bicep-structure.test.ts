import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { readConnection } from '#sluice/config/config.js';
import { SETTING_LIST } from '#sluice/config/settings.js';
import { INFRA_DIR, REPO_ROOT, infraFiles, modules, objectVar, outputs, params, readBicep, type BicepFile } from './support/bicep-reader.js';

// Structural checks on infra/ that the Bicep compiler cannot run here: descriptions, secrets,
// security flags, role GUIDs, module paths, and the Flex Consumption shape.

/** Azure built-in role definitions Sluice needs: ids are the same in every tenant. */
const BUILT_IN_ROLES: Readonly<Record<string, string>> = {
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  'Azure Event Hubs Data Receiver': 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde',
  'Azure Event Hubs Data Sender': '2b629674-e913-4c01-ae53-ef4638d8f975',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
};

const files: BicepFile[] = infraFiles('.bicep').map(readBicep);
const byName = (rel: string): BicepFile => {
  const f = files.find((x) => x.name === join('infra', rel));
  assert.ok(f, `infra/${rel} is missing`);
  return f;
};

/** Non-comment lines of a file with their numbers. */
function codeLines(f: BicepFile): { n: number; line: string }[] {
  return f.code.split('\n').map((line, i) => ({ n: i + 1, line: line.trim() })).filter((l) => l.line !== '');
}

describe('infra structure', () => {
  it('finds the Bicep files', () => {
    assert.ok(files.length >= 7, `expected main.bicep and its modules, found ${files.map((f) => f.name).join(', ')}`);
  });

  it('every param has a @description', () => {
    for (const f of files) {
      for (const p of params(f)) {
        assert.ok(p.decorators.some((d) => d.startsWith('@description(')), `${f.name}:${p.line}: param ${p.name} has no @description`);
      }
    }
  });

  it('no keys, SAS or secret outputs anywhere in infra/', () => {
    const forbidden: [RegExp, string][] = [
      [/\blist[A-Za-z]*\(/, 'list*() reads keys or secrets'],
      [/AccountKey\s*=/i, 'an account key in a connection string'],
      [/SharedAccessKey/i, 'a SAS key'],
      [/\b(primary|secondary)(Master)?Key\b/i, 'a key property'],
      [/@secure\(\)/, 'a secure param or output: nothing here should need one'],
    ];
    for (const f of files) {
      for (const { n, line } of codeLines(f)) {
        for (const [re, why] of forbidden) assert.doesNotMatch(line, re, `${f.name}:${n}: ${why}: ${line}`);
        // The only connection string allowed is App Insights': it locates the ingestion endpoint,
        // and with local auth disabled it cannot write telemetry without an Entra ID token.
        if (/connectionstring/i.test(line) && !/^output\s/.test(line)) {
          assert.match(line, /^APPLICATIONINSIGHTS_CONNECTION_STRING:\s*appInsights\.properties\.ConnectionString$/, `${f.name}:${n}: unexpected connection string: ${line}`);
        }
      }
      for (const o of outputs(f)) {
        assert.doesNotMatch(`${o.name} ${o.expr}`, /key|secret|password|connectionstring|\bsas\b|token/i, `${f.name}: output ${o.name} looks like a secret`);
      }
    }
  });

  it('storage allows Entra ID only, TLS 1.2, no public blobs', () => {
    const storage = byName('app/storage.bicep').code;
    assert.match(storage, /^\s*allowSharedKeyAccess:\s*false\s*$/m);
    assert.match(storage, /^\s*minimumTlsVersion:\s*'TLS1_2'\s*$/m);
    assert.match(storage, /^\s*allowBlobPublicAccess:\s*false\s*$/m);
    for (const f of files) assert.doesNotMatch(f.code, /allowSharedKeyAccess:\s*true|allowBlobPublicAccess:\s*true/, `${f.name} turns keys or public access back on`);
    assert.match(storage, /Microsoft\.Storage\/storageAccounts\/queueServices@/, 'Durable needs the queue service');
    assert.match(storage, /Microsoft\.Storage\/storageAccounts\/tableServices\/tables@/);
    assert.match(storage, /Microsoft\.Storage\/storageAccounts\/managementPolicies@/);
  });

  it('the Event Hubs namespace is Standard with local auth disabled, and hubs and groups come from streams.json in loops', () => {
    const eh = byName('app/eventhubs.bicep').code;
    assert.match(eh, /^\s*disableLocalAuth:\s*true\s*$/m);
    assert.match(eh, /name:\s*'Standard'/);
    assert.match(eh, /Microsoft\.EventHub\/namespaces\/eventhubs@[^']+' = \[for /);
    assert.match(eh, /Microsoft\.EventHub\/namespaces\/eventhubs\/consumergroups@[^']+' = \[for /);
    assert.match(byName('main.bicep').code, /^var streamSources = loadJsonContent\('streams\.json'\)\.sources$/m);
    const main = byName('main.bicep');
    assert.match(main.code, /^var consumerGroupName = 'sluice'$/m);
    const partitions = params(main).find((p) => p.name === 'partitionCount');
    assert.equal(partitions?.defaultExpr, '4');
  });

  it('role definition GUIDs are the built-in ones, each written exactly once across infra/', () => {
    const all = [...infraFiles('.bicep'), ...infraFiles('.json')].map((p) => ({ p, text: readFileSync(p, 'utf8') }));
    const known = new Set(Object.values(BUILT_IN_ROLES));
    for (const { p, text } of all) {
      for (const m of text.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi)) {
        assert.ok(known.has(m[0].toLowerCase()), `${p.slice(REPO_ROOT.length + 1)}: ${m[0]} is not a built-in role Sluice expects`);
      }
    }
    for (const [role, id] of Object.entries(BUILT_IN_ROLES)) {
      const count = all.reduce((n, { text }) => n + text.split(id).length - 1, 0);
      assert.equal(count, 1, `${role} (${id}) appears ${count} times; list it once, in app/rbac.bicep`);
    }
    assert.ok(byName('app/rbac.bicep').text.includes(BUILT_IN_ROLES['Monitoring Metrics Publisher']!));
  });

  it('all role assignments live in app/rbac.bicep, for the app identity and the deploying user', () => {
    for (const f of files) {
      if (f.name === join('infra', 'app', 'rbac.bicep')) continue;
      assert.doesNotMatch(f.code, /Microsoft\.Authorization\/roleAssignments@/, `${f.name} assigns roles outside the rbac module`);
    }
    const rbac = byName('app/rbac.bicep').code;
    const assignments = rbac.match(/Microsoft\.Authorization\/roleAssignments@/g) ?? [];
    assert.equal(assignments.length, 6, 'app and user assignments for storage, Event Hubs and App Insights');
    assert.equal((rbac.match(/principalId: appPrincipalId/g) ?? []).length, 3);
    assert.equal((rbac.match(/principalId: userPrincipalId/g) ?? []).length, 3);
    assert.equal((rbac.match(/principalType: userPrincipalType/g) ?? []).length, 3);
    const roleDefs = rbac.match(/^\s*(storage|eventHubs|monitoring)[A-Za-z]+: '[0-9a-f-]{36}'$/gm) ?? [];
    assert.equal(roleDefs.length, Object.keys(BUILT_IN_ROLES).length);
    const main = byName('main.bicep').code;
    assert.match(main, /userPrincipalId: principalId/);
    assert.match(main, /userPrincipalType: principalType/);
    assert.match(main, /^param principalType string = 'User'$/m);
  });

  it('every module path exists', () => {
    let count = 0;
    for (const f of files) {
      for (const m of modules(f)) {
        count++;
        assert.ok(!m.path.startsWith('br/') && !m.path.startsWith('ts/'), `${f.name}: module ${m.symbol} uses a registry module; this repo keeps its own`);
        assert.ok(existsSync(resolve(dirname(f.path), m.path)), `${f.name}: module ${m.symbol} points at missing ${m.path}`);
      }
    }
    assert.ok(count >= 6, 'main.bicep should reference its app/*.bicep modules');
  });

  it('main.bicep is subscription-scoped and creates rg-<env>', () => {
    const main = byName('main.bicep').code;
    assert.match(main, /^targetScope = 'subscription'$/m);
    assert.match(main, /Microsoft\.Resources\/resourceGroups@/);
    assert.match(main, /name: 'rg-\$\{environmentName\}'/);
  });

  it('the function app is Flex Consumption (FC1, Linux) with Node 20 or 22 and parameterised scale', () => {
    const fn = byName('app/function.bicep').code;
    assert.match(fn, /tier: 'FlexConsumption'/);
    assert.match(fn, /name: 'FC1'/);
    assert.match(fn, /reserved: true/);
    assert.match(fn, /kind: 'functionapp,linux'/);
    assert.match(fn, /name: 'node'\s*\n\s*version: nodeVersion/);
    assert.match(fn, /instanceMemoryMB: instanceMemoryMB/);
    assert.match(fn, /maximumInstanceCount: maximumInstanceCount/);
    assert.match(fn, /type: 'UserAssignedIdentity'\s*\n\s*userAssignedIdentityResourceId: identityId/);
    assert.match(fn, /type: 'blobContainer'/);
    // Flex rejects these app settings: the runtime is set in functionAppConfig instead.
    for (const f of files) assert.doesNotMatch(f.code, /FUNCTIONS_WORKER_RUNTIME|WEBSITE_NODE_DEFAULT_VERSION|FUNCTIONS_EXTENSION_VERSION|WEBSITE_RUN_FROM_PACKAGE/, f.name);
    const main = params(byName('main.bicep'));
    const node = main.find((p) => p.name === 'nodeVersion');
    assert.equal(node?.defaultExpr, "'20'");
    assert.ok(node?.decorators.some((d) => d.includes("'20'") && d.includes("'22'")), 'nodeVersion should allow 20 and 22');
    for (const name of ['instanceMemoryMB', 'maximumInstanceCount']) assert.ok(main.some((p) => p.name === name && p.defaultExpr), `main.bicep param ${name}`);
  });

  it('the deployment container is created in storage and used by the app', () => {
    const main = byName('main.bicep').code;
    assert.match(main, /^\s*deploymentContainerName$/m, 'containerNames should include deploymentContainerName');
    assert.match(main, /deploymentContainerName: deploymentContainerName/);
  });

  it('telemetry uses Entra ID ingestion with the app identity', () => {
    const fn = byName('app/function.bicep');
    const telemetry = objectVar(fn, 'telemetrySettings');
    assert.equal(telemetry.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING'), "'ClientId=${identityClientId};Authorization=AAD'");
    assert.match(byName('app/monitoring.bicep').code, /DisableLocalAuth: true/);
  });

  it('outputs give azd the names, endpoints and URL, and a local run its settings', () => {
    const out = new Map(outputs(byName('main.bicep')).map((o) => [o.name, o.expr]));
    for (const name of [
      'AZURE_RESOURCE_GROUP',
      'AZURE_FUNCTION_APP_NAME',
      'AZURE_FUNCTION_APP_URL',
      'AZURE_STORAGE_ACCOUNT_NAME',
      'AZURE_STORAGE_BLOB_ENDPOINT',
      'AZURE_STORAGE_TABLE_ENDPOINT',
      'AZURE_EVENTHUB_NAMESPACE',
      'AZURE_EVENTHUB_FULLY_QUALIFIED_NAMESPACE',
      'AZURE_EVENTHUB_NAME',
      'AZURE_EVENTHUB_CONSUMER_GROUP',
    ]) {
      assert.ok(out.has(name), `main.bicep lacks output ${name}`);
    }
    // The .env azd writes must be enough for readConnection to find both connections.
    const env: Record<string, string> = {};
    for (const name of out.keys()) env[name] = `https://${name.toLowerCase()}.example/`;
    const storageName = SETTING_LIST.find((s) => s.name === 'SLUICE_STORAGE_CONNECTION')!.default;
    const storage = readConnection(storageName, env);
    assert.ok(storage.kind === 'identity' && storage.blobServiceUri && storage.tableServiceUri, 'outputs should include <storage connection>__blobServiceUri and __tableServiceUri');
    const hub = readConnection('EventHubConnection', env);
    assert.ok(hub.kind === 'identity' && hub.fullyQualifiedNamespace);
    for (const name of ['SLUICE_EVENTHUB_NAME', 'SLUICE_CONSUMER_GROUP']) assert.ok(out.has(name), `main.bicep lacks output ${name}`);
  });
});

describe('main.parameters.json', () => {
  const json = JSON.parse(readFileSync(join(INFRA_DIR, 'main.parameters.json'), 'utf8')) as { parameters?: Record<string, { value?: unknown }> };
  const given = json.parameters ?? {};

  it('passes the three azd variables', () => {
    assert.equal(given['environmentName']?.value, '${AZURE_ENV_NAME}');
    assert.equal(given['location']?.value, '${AZURE_LOCATION}');
    assert.equal(given['principalId']?.value, '${AZURE_PRINCIPAL_ID}');
  });

  it('names only params of main.bicep and covers every param without a default', () => {
    const main = params(readBicep(join(INFRA_DIR, 'main.bicep')));
    for (const key of Object.keys(given)) assert.ok(main.some((p) => p.name === key), `main.parameters.json sets unknown param ${key}`);
    for (const p of main.filter((x) => x.defaultExpr === undefined)) assert.ok(p.name in given, `required param ${p.name} is not in main.parameters.json`);
  });
});
