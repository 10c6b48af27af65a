/** A way `azd provision` runs: the azd environment it substitutes into main.parameters.json, plus parameter overrides. */
export interface Scenario {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  /** Values for main.bicep parameters that main.parameters.json does not map, as JSON. */
  readonly overrides: Readonly<Record<string, string | number | boolean>>;
}

const PRINCIPAL = '11111111-2222-3333-4444-555555555555';

/**
 * azd sets AZURE_ENV_NAME, AZURE_LOCATION, AZURE_PRINCIPAL_ID and AZURE_PRINCIPAL_TYPE ("User"
 * or "ServicePrincipal") for every provision (azure-dev, cli/azd/pkg/infra/provisioning/bicep/
 * bicep_provider.go evalParamEnvSubst; provisioning/current_principal_id_provider.go).
 */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'defaults: azd up at a desk',
    env: { AZURE_ENV_NAME: 'sluice-dev', AZURE_LOCATION: 'westeurope', AZURE_PRINCIPAL_ID: PRINCIPAL, AZURE_PRINCIPAL_TYPE: 'User' },
    overrides: {},
  },
  {
    name: 'a service principal in CI',
    env: { AZURE_ENV_NAME: 'sluice-ci', AZURE_LOCATION: 'eastus2', AZURE_PRINCIPAL_ID: PRINCIPAL, AZURE_PRINCIPAL_TYPE: 'ServicePrincipal' },
    overrides: {},
  },
  {
    name: 'the largest sizes',
    // azd allows environment names of up to 64 characters.
    env: { AZURE_ENV_NAME: `sluice-${'x'.repeat(57)}`, AZURE_LOCATION: 'australiaeast', AZURE_PRINCIPAL_ID: PRINCIPAL, AZURE_PRINCIPAL_TYPE: 'ServicePrincipal' },
    overrides: {
      nodeVersion: '22',
      instanceMemoryMB: 4096,
      maximumInstanceCount: 1000,
      partitionCount: 32,
      eventRetentionDays: 7,
      throughputUnits: 40,
      maxTasksPerBatch: 256,
      blockRetentionDays: 3650,
      streamName: 's'.repeat(40),
    },
  },
];
