import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkInfra } from './bicep/check-infra.js';
import { formatDiagnostic } from './bicep/diagnostic.js';
import { REPO_ROOT } from './support/bicep-reader.js';

// The template checker must be able to fail: each mutation below breaks a copy of infra/ in one
// way the Bicep compiler or ARM would reject, and the checker must name the file and line.

interface Mutation {
  readonly name: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
  /** Where the finding must point: a file and a text on the line (default: the mutated line). */
  readonly expectFile?: string;
  readonly expectLine?: string;
  readonly message: string;
}

const MUTATIONS: readonly Mutation[] = [
  {
    name: 'a misspelt property',
    file: 'infra/app/storage.bicep',
    from: 'allowSharedKeyAccess: false',
    to: 'allowSharedKeyAcess: false',
    message: "has no property 'allowSharedKeyAcess'",
  },
  { name: 'a string for a bool', file: 'infra/app/function.bicep', from: 'httpsOnly: true', to: "httpsOnly: 'true'", message: 'expects a bool' },
  {
    name: 'a missing required property',
    file: 'infra/app/identity.bicep',
    from: '  location: location\n',
    to: '',
    expectLine: "resource identity 'Microsoft.ManagedIdentity",
    message: "the required property 'location'",
  },
  {
    name: 'a read-only property',
    file: 'infra/app/function.bicep',
    from: '    httpsOnly: true\n',
    to: "    httpsOnly: true\n    defaultHostName: 'sluice.example.net'\n",
    expectLine: 'defaultHostName',
    message: 'read-only property',
  },
  {
    name: 'a value outside the allowed ones',
    file: 'infra/app/storage.bicep',
    from: "defaultAction: 'Allow'",
    to: "defaultAction: 'Open'",
    message: "'Open' is not one of 'Allow' | 'Deny'",
  },
  {
    name: 'a misspelt resource type',
    file: 'infra/app/identity.bicep',
    from: 'userAssignedIdentities@2023-01-31',
    to: 'userAssignedIdentity@2023-01-31',
    message: "is not in Azure's type data",
  },
  {
    name: 'an API version that does not exist',
    file: 'infra/app/eventhubs.bicep',
    from: "'Microsoft.EventHub/namespaces/eventhubs@2024-01-01'",
    to: "'Microsoft.EventHub/namespaces/eventhubs@2024-13-01'",
    message: "is not in Azure's type data",
  },
  {
    name: 'a read of a property the type lacks',
    file: 'infra/app/storage.bicep',
    from: 'account.properties.primaryEndpoints.blob',
    to: 'account.properties.primaryEndpoints.blobs',
    message: "has no property 'blobs'",
  },
  {
    name: 'an unknown module parameter',
    file: 'infra/main.bicep',
    from: "    name: 'id-${resourceToken}'\n",
    to: "    name: 'id-${resourceToken}'\n    colour: 'blue'\n",
    expectLine: "colour: 'blue'",
    message: "declares no parameter 'colour'",
  },
  {
    name: 'a missing required module parameter',
    file: 'infra/main.bicep',
    from: "    applicationInsightsName: 'appi-${resourceToken}'\n",
    to: '',
    expectLine: "module monitoring 'app/monitoring.bicep'",
    message: "the required parameter 'applicationInsightsName'",
  },
  { name: 'a module parameter of the wrong type', file: 'infra/main.bicep', from: 'partitionCount: partitionCount', to: "partitionCount: '4'", message: 'expects int' },
  {
    name: 'a module parameter above its @maxValue',
    file: 'infra/main.bicep',
    from: 'maximumInstanceCount: maximumInstanceCount',
    to: 'maximumInstanceCount: 2000',
    message: 'above @maxValue(1000)',
  },
  { name: 'a module parameter outside @allowed', file: 'infra/main.bicep', from: 'nodeVersion: nodeVersion', to: "nodeVersion: '18'", message: "'18' is not allowed" },
  {
    name: 'an undefined module output',
    file: 'infra/main.bicep',
    from: 'AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId',
    to: 'AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.objectId',
    message: "'identity.outputs.objectId' does not exist",
  },
  { name: 'an undefined symbol', file: 'infra/main.bicep', from: "  name: 'rg-${environmentName}'", to: "  name: 'rg-${environmentNme}'", message: "'environmentNme' is not declared" },
  { name: 'an unknown function', file: 'infra/main.bicep', from: 'toLower(uniqueString(', to: 'toLowr(uniqueString(', message: "'toLowr' is not a Bicep function" },
  {
    name: 'a name that breaks the pattern',
    file: 'infra/main.bicep',
    from: "name: 'st${resourceToken}'",
    to: "name: 'st-${resourceToken}'",
    expectFile: 'infra/app/storage.bicep',
    expectLine: '  name: name',
    message: 'does not match the pattern ^[a-z0-9]+$',
  },
  {
    name: 'a table name that breaks the pattern',
    file: 'infra/main.bicep',
    from: "Sluice__WalTable: 'sluicewal'",
    to: "Sluice__WalTable: 'sluice-wal'",
    expectFile: 'infra/app/storage.bicep',
    expectLine: 'name: tableName',
    message: "'sluice-wal' does not match the pattern",
  },
  {
    name: 'an app setting that is not a string',
    file: 'infra/main.bicep',
    from: 'Sluice__MaxTasksPerBatch: string(maxTasksPerBatch)',
    to: 'Sluice__MaxTasksPerBatch: maxTasksPerBatch',
    message: 'expects a string, got 8',
  },
  {
    name: 'a child under the wrong parent',
    file: 'infra/app/storage.bicep',
    from: '    parent: tableService\n',
    to: '    parent: blobService // the wrong parent\n',
    expectLine: 'the wrong parent',
    message: 'cannot be a child of',
  },
  {
    name: 'a child resource without its parent',
    file: 'infra/app/storage.bicep',
    from: "  parent: account\n  name: 'default'\n}\n\nresource containers",
    to: "  name: 'default' // no parent\n}\n\nresource containers",
    expectLine: 'no parent',
    message: 'without parent: takes 2',
  },
  {
    name: 'a module without the scope its template needs',
    file: 'infra/main.bicep',
    from: "module identity 'app/identity.bicep' = {\n  name: 'identity'\n  scope: rg\n",
    to: "module identity 'app/identity.bicep' = {\n  name: 'identity'\n",
    expectLine: "module identity 'app/identity.bicep'",
    message: 'needs a scope',
  },
  {
    name: 'an output of the wrong type',
    file: 'infra/app/identity.bicep',
    from: 'output clientId string',
    to: 'output clientId int',
    message: "output 'clientId' is declared int",
  },
  {
    name: 'a principal type azd does not provide',
    file: 'infra/main.parameters.json',
    from: '${AZURE_PRINCIPAL_TYPE}',
    to: '${AZURE_PRINCIPAL_KIND}',
    expectLine: '"principalType"',
    message: "'' is not allowed",
  },
  {
    name: 'a misspelt property inside a resource loop',
    file: 'infra/app/eventhubs.bicep',
    from: 'messageRetentionInDays: retentionDays',
    to: 'messageRetentionDays: retentionDays',
    message: "has no property 'messageRetentionDays'",
  },
  {
    name: 'a string for an int inside a resource loop',
    file: 'infra/app/eventhubs.bicep',
    from: 'partitionCount: partitionCount\n',
    to: "partitionCount: '${partitionCount}'\n",
    message: 'expects an int',
  },
  {
    name: 'a loop child under the wrong parent',
    file: 'infra/app/eventhubs.bicep',
    from: 'parent: hubs[indexOf(hubNames, group.hub)]',
    to: 'parent: eventHubNamespace // the wrong parent',
    message: 'cannot be a child of',
  },
  {
    name: 'a lambda body the grammar reads differently from the compiler',
    file: 'infra/main.bicep',
    from: 'src => (src.eventHubName)',
    to: 'src => src.eventHubName',
    message: "write the lambda's body in parentheses",
  },
  {
    name: 'a JSON file that is not there',
    file: 'infra/main.bicep',
    from: "loadJsonContent('streams.json')",
    to: "loadJsonContent('stream.json')",
    message: 'infra/stream.json cannot be read',
  },
  {
    name: 'a hub in streams.json whose name Azure refuses, found in the loop that creates it',
    file: 'infra/streams.json',
    from: '"source": "orders", "eventHubName": "orders"',
    to: `"source": "orders", "eventHubName": "${'o'.repeat(257)}"`,
    expectFile: 'infra/app/eventhubs.bicep',
    expectLine: 'name: hubName',
    message: 'is longer than 256 characters',
  },
  { name: 'a syntax error', file: 'infra/app/identity.bicep', from: '  tags: tags\n', to: '  tags: tags)\n', expectLine: 'tags: tags)', message: 'syntax error' },
];

describe('the template checker fails on broken templates', () => {
  const copies: string[] = [];
  after(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('has at least 15 mutations, each changing its file', () => {
    assert.ok(MUTATIONS.length >= 15);
    for (const m of MUTATIONS) {
      const text = readFileSync(join(REPO_ROOT, m.file), 'utf8');
      assert.equal(text.split(m.from).length, 2, `${m.name}: '${m.from}' must occur exactly once in ${m.file}`);
    }
  });

  for (const m of MUTATIONS) {
    it(`reports ${m.name} with its file and line`, () => {
      const root = mkdtempSync(join(tmpdir(), 'sluice-infra-'));
      copies.push(root);
      cpSync(join(REPO_ROOT, 'infra'), join(root, 'infra'), { recursive: true });
      const path = join(root, m.file);
      const mutated = readFileSync(path, 'utf8').replace(m.from, m.to);
      writeFileSync(path, mutated);
      const expectFile = m.expectFile ?? m.file;
      const lines = readFileSync(join(root, expectFile), 'utf8').split('\n');
      const anchor = m.expectLine ?? m.to.split('\n').find((l) => l.trim() !== '') ?? '';
      const line = lines.findIndex((l) => l.includes(anchor)) + 1;
      assert.ok(line > 0, `${m.name}: '${anchor}' not found in ${expectFile}`);
      const found = checkInfra(root);
      assert.ok(
        found.some((d) => d.file === expectFile && d.line === line && d.message.includes(m.message)),
        `${m.name}: expected ${expectFile}:${line}: …${m.message}…, got:\n${found.map(formatDiagnostic).join('\n') || '(nothing)'}`,
      );
    });
  }
});
