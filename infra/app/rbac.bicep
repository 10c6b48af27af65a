// Every role assignment in one place. The function app's identity gets what the Functions
// host, Durable Functions and Sluice need; the deploying user gets the same data-plane roles so
// `npm start` and `npm run produce` can run against the cloud resources with their own sign-in.

@description('Storage account the roles are scoped to.')
param storageAccountName string

@description('Event Hubs namespace the roles are scoped to.')
param eventHubNamespaceName string

@description('Application Insights component the metrics publisher role is scoped to.')
param applicationInsightsName string

@description('Principal (object) id of the function app\'s user-assigned identity.')
param appPrincipalId string

@description('Object id of the deploying user or CI principal; empty skips the user assignments.')
param userPrincipalId string = ''

@description('Kind of principal userPrincipalId is: User for azd up at a desk, ServicePrincipal for CI.')
@allowed([
  'User'
  'ServicePrincipal'
])
param userPrincipalType string = 'User'

// Built-in role definition ids: the same GUIDs in every tenant. Listed here and nowhere else.
var roles = {
  // Blob data plus the blob leases the Event Hubs trigger and Durable use for ownership.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Durable Functions' control and work-item queues.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Sluice's WAL, checkpoints and Table sink; Durable's history and instances tables.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // The receiver's Event Hubs trigger.
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
  // Producers (npm run produce) and any output binding that writes back to a hub.
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975'
  // Entra ID-authenticated telemetry ingestion (App Insights has local auth disabled).
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

var storageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

var eventHubRoles = [
  roles.eventHubsDataReceiver
  roles.eventHubsDataSender
]

var withUser = !empty(userPrincipalId)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource eventHubNamespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubNamespaceName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Names are guid(scope, principal, role) so a re-deploy finds the same assignment instead of
// failing with RoleAssignmentExists.
resource appStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storage.id, appPrincipalId, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: appPrincipalId
      // Set explicitly so a just-created identity is not rejected before it replicates.
      principalType: 'ServicePrincipal'
    }
  }
]

resource userStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: if (withUser) {
    name: guid(storage.id, userPrincipalId, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: userPrincipalId
      principalType: userPrincipalType
    }
  }
]

resource appEventHubs 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in eventHubRoles: {
    name: guid(eventHubNamespace.id, appPrincipalId, role)
    scope: eventHubNamespace
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource userEventHubs 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in eventHubRoles: if (withUser) {
    name: guid(eventHubNamespace.id, userPrincipalId, role)
    scope: eventHubNamespace
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: userPrincipalId
      principalType: userPrincipalType
    }
  }
]

resource appMetrics 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userMetrics 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withUser) {
  name: guid(appInsights.id, userPrincipalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}
