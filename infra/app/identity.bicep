// The one identity the function app uses for storage, Event Hubs and App Insights.
// User-assigned rather than system-assigned so its roles exist before the app starts (no
// first-start race) and the deployment container can authenticate with it at create time.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
