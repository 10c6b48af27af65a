// The function app on Flex Consumption (FC1, Linux). Its code package lives in a blob container
// that the app reads with its user-assigned identity, and every connection it makes is
// identity-based: no keys or connection strings with secrets end up in its settings.

@description('Function app name; also its host name <name>.azurewebsites.net.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('azd service name in azure.yaml; azd finds the app to deploy to by this tag.')
param serviceName string = 'app'

@description('Node.js major version. Flex Consumption offers 20 and 22.')
@allowed([
  '20'
  '22'
])
param nodeVersion string

@description('Memory of each instance in MB (CPU scales with it).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Most instances the app scales out to. Event Hubs triggers use at most one per partition.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity; connections name it so the host picks this identity.')
param identityClientId string

@description('Storage account for the host, Durable Functions, Sluice and the deployment package.')
param storageAccountName string

@description('Blob container holding the deployment package.')
param deploymentContainerName string

@description('Fully qualified Event Hubs namespace (<ns>.servicebus.windows.net).')
param eventHubFullyQualifiedNamespace string

@description('Application Insights component the app sends telemetry to.')
param applicationInsightsName string

@description('Sluice settings (Sluice__*, and the SLUICE_* names functions/ still reads) and host overrides, built in main.bicep.')
param appSettings object

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    // Linux: Flex Consumption has no Windows workers.
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            // The platform fetches the package with this identity; no SAS URL, no key.
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // Runtime and version live here on Flex: FUNCTIONS_WORKER_RUNTIME and
      // WEBSITE_NODE_DEFAULT_VERSION app settings are rejected on this plan.
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

// Identity-based connections, read by the host (triggers, Durable) and by Sluice's
// readConnection alike. __accountName lets the host derive the blob, queue and table URIs.
var connectionSettings = {
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  EventHubConnection__fullyQualifiedNamespace: eventHubFullyQualifiedNamespace
  EventHubConnection__credential: 'managedidentity'
  EventHubConnection__clientId: identityClientId
  // DefaultAzureCredential in the SDK clients picks the user-assigned identity by this.
  AZURE_CLIENT_ID: identityClientId
}

// The connection string only locates the ingestion endpoint: with local auth disabled on the
// component, writes need the Entra ID token that the authentication string asks for.
var telemetrySettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(appSettings, connectionSettings, telemetrySettings)
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
