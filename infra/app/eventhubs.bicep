// The event source: a Standard namespace with one hub and a consumer group that belongs to
// Sluice alone, so other readers ($Default) never steal its partition leases.

@description('Event Hubs namespace name (6 to 50 characters).')
@minLength(6)
@maxLength(50)
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Name of the event hub Sluice reads.')
param hubName string

@description('Partitions of the hub. Fixed at creation on Standard; one receiver instance runs per partition.')
@minValue(1)
@maxValue(32)
param partitionCount int

@description('Days events stay in the hub (Standard allows 1 to 7).')
@minValue(1)
@maxValue(7)
param retentionDays int

@description('Throughput units: each takes in 1 MB/s or 1,000 events/s.')
@minValue(1)
@maxValue(40)
param throughputUnits int

@description('Consumer group created for the Sluice receiver.')
param consumerGroupName string

resource eventHubNamespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    // Standard: consumer groups beyond $Default and up to 32 partitions (Basic has neither).
    name: 'Standard'
    tier: 'Standard'
    capacity: throughputUnits
  }
  properties: {
    // No SAS keys: senders and receivers authenticate with Entra ID and RBAC.
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    // Fixed throughput keeps the bill predictable; raise throughputUnits instead.
    isAutoInflateEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: eventHubNamespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: retentionDays
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
  properties: {
    userMetadata: 'Sluice receiver (Event Hubs-triggered function)'
  }
}

output name string = eventHubNamespace.name
output id string = eventHubNamespace.id
// Host name without scheme or port, as the *__fullyQualifiedNamespace settings expect; derived
// from the endpoint so it is right in every cloud, not only servicebus.windows.net.
output fullyQualifiedNamespace string = replace(replace(eventHubNamespace.properties.serviceBusEndpoint, 'https://', ''), ':443/', '')
output hubName string = hub.name
output consumerGroupName string = consumerGroup.name
