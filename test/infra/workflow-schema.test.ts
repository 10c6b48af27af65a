import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from './support/workflow-parser.js';
import { parseTemplate } from './bicep/template.js';
import { REPO_ROOT } from './support/bicep-reader.js';

// .github/workflows/azure-dev.yml against the GitHub Actions workflow schema that
// @actions/workflow-parser embeds (the parser behind GitHub's own workflow language services),
// then the pipeline's shape: OIDC only, tests before provisioning, and a smoke step fed by
// outputs infra/main.bicep really has.

const WORKFLOW = '.github/workflows/azure-dev.yml';
const text = readFileSync(join(REPO_ROOT, WORKFLOW), 'utf8');

/** Schema and conversion errors for a workflow text. */
async function workflowErrors(content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: WORKFLOW, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || !parsed.value) return errors.length > 0 ? errors : ['the workflow is empty'];
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((e) => e.Message);
}

/** Variables `azd pipeline config` sets on the repository (azure-dev: cli/azd/pkg/pipeline/github_provider.go setPipelineVariables, pipeline_manager.go). */
const AZD_VARIABLES = new Set(['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_SUBSCRIPTION_ID', 'AZURE_ENV_NAME', 'AZURE_LOCATION']);

describe('the deploy workflow', () => {
  it('is valid against the GitHub Actions workflow schema', async () => {
    assert.deepEqual(await workflowErrors(text), []);
  });

  for (const [name, from, to] of [
    ['a misspelt top-level key', 'permissions:', 'permission:'],
    ['a permission value that does not exist', '  id-token: write\n', '  id-token: admin\n'],
    ['a step with both run and uses', '      - name: Install\n        run: npm ci', '      - name: Install\n        uses: actions/checkout@v4\n        run: npm ci'],
    ['a job without runs-on', '    runs-on: ubuntu-latest\n', ''],
  ] as const) {
    it(`rejects ${name}`, async () => {
      assert.equal(text.split(from).length, 2, `'${from}' must occur once in ${WORKFLOW}`);
      assert.notDeepEqual(await workflowErrors(text.replace(from, to)), []);
    });
  }

  it('signs in with federated credentials and keeps no secret', () => {
    assert.match(text, /^ {2}id-token: write$/m);
    assert.match(text, /--federated-credential-provider github/);
    assert.doesNotMatch(text, /secrets\./);
    for (const [, variable] of text.matchAll(/vars\.([A-Z_]+)/g)) assert.ok(AZD_VARIABLES.has(variable!), `vars.${variable} is not set by azd pipeline config`);
  });

  it('tests before it provisions, provisions before it deploys, and smoke-checks last', () => {
    const order = ['npm ci', 'npm test', 'azd provision --no-prompt', 'azd deploy --no-prompt', 'npm run smoke --'].map((step) => {
      const at = text.indexOf(`run: ${step}`) >= 0 ? text.indexOf(`run: ${step}`) : text.indexOf(step);
      assert.ok(at >= 0, `${WORKFLOW} has no step running '${step}'`);
      return at;
    });
    assert.deepEqual([...order].sort((a, b) => a - b), order);
  });

  it('feeds the smoke check from outputs infra/main.bicep declares', () => {
    const outputs = parseTemplate(join(REPO_ROOT, 'infra', 'main.bicep'), 'infra/main.bicep').outputs;
    const used = [...text.matchAll(/azd env get-value ([A-Za-z_]+)/g)].map((m) => m[1]!);
    assert.deepEqual(
      ['--app-url', '--namespace', '--hub', '--storage-account'].filter((flag) => !text.includes(`${flag} "$(azd env get-value`)),
      [],
    );
    for (const name of used) assert.ok(outputs.has(name), `the smoke step reads ${name}, which infra/main.bicep does not output`);
  });
});
