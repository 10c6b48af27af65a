// The event sources: a Standard namespace with every hub the app's streams read, and on each hub
// the consumer groups of its readers. Each source's trigger reads with a group of its own, so
// other readers ($Default) never steal its partition leases; gap fill reads with another group.

@description('Event Hubs namespace name (6 to 50 characters).')
@minLength(6)
@maxLength(50)
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Names of the event hubs to create, one per hub any stream reads.')
@minLength(1)
param hubNames array

@description('Consumer groups to create, as { hub, name }: each source\'s trigger group and gap-fill group on its hub.')
param consumerGroups array

@description('Partitions of each hub. Fixed at creation on Standard; one receiver instance runs per partition.')
@minValue(1)
@maxValue(32)
param partitionCount int

@description('Days events stay in each hub (Standard allows 1 to 7).')
@minValue(1)
@maxValue(7)
param retentionDays int

@description('Throughput units, shared by every hub of the namespace: each takes in 1 MB/s or 1,000 events/s.')
@minValue(1)
@maxValue(40)
param throughputUnits int

resource eventHubNamespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    // Standard: consumer groups beyond $Default (20 per hub) and up to 32 partitions (Basic has neither).
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

resource hubs 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = [for hubName in hubNames: {
  parent: eventHubNamespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: retentionDays
  }
}]

resource groups 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = [for group in consumerGroups: {
  parent: hubs[indexOf(hubNames, group.hub)]
  name: group.name
  properties: {
    userMetadata: 'Sluice: a stream\'s trigger or gap fill (infra/streams.json)'
  }
}]

output name string = eventHubNamespace.name
output id string = eventHubNamespace.id
// Host name without scheme or port, as the *__fullyQualifiedNamespace settings expect; derived
// from the endpoint so it is right in every cloud, not only servicebus.windows.net.
output fullyQualifiedNamespace string = replace(replace(eventHubNamespace.properties.serviceBusEndpoint, 'https://', ''), ':443/', '')
