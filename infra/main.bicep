// Sluice on Azure: `azd up` provisions this, then deploys the app service from azure.yaml.
// Subscription scope so one deployment also creates the resource group rg-<env>.
targetScope = 'subscription'

// ---------------------------------------------------------------------------------------------
// Environment (filled by azd from main.parameters.json)
// ---------------------------------------------------------------------------------------------

@description('azd environment name: names the resource group (rg-<name>) and seeds resource names.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Region for every resource. Pick one that offers Flex Consumption.')
@minLength(1)
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID); gets data roles for local runs. Empty skips them.')
param principalId string = ''

@description('Kind of principal principalId is: User at a desk, ServicePrincipal in CI.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

// ---------------------------------------------------------------------------------------------
// Capacity
// ---------------------------------------------------------------------------------------------

@description('Node.js major version of the function app (Flex Consumption offers 20 and 22).')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '20'

@description('Memory per function app instance in MB; CPU is allocated in proportion.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the function app scales out to (Flex Consumption allows 40 to 1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Partitions of each hub: the receiver parallelism. Fixed once created on Standard.')
@minValue(1)
@maxValue(32)
param partitionCount int = 4

@description('Days events stay in each hub (replay window for a reset receiver).')
@minValue(1)
@maxValue(7)
param eventRetentionDays int = 1

@description('Event Hubs throughput units (each: 1 MB/s or 1,000 events/s in; about $0.03 per hour).')
@minValue(1)
@maxValue(40)
param throughputUnits int = 1

// ---------------------------------------------------------------------------------------------
// Tunable Sluice settings: defaults equal SETTINGS in src/config/settings.ts (checked by
// test/infra/settings-contract.test.ts)
// ---------------------------------------------------------------------------------------------

@description('Sluice__StreamName: name of the one stream of an app that names none in code (lowercase letters, digits and hyphens, up to 40).')
@minLength(1)
@maxLength(40)
param streamName string = 'pageviews'

@description('Sluice__BatchInterval: one batch per interval, e.g. "10s"; a multiple of the block interval.')
param batchInterval string = '10s'

@description('Sluice__BlockInterval: enqueued time per block, e.g. "200ms". Each block costs a blob write and a table transaction.')
param blockInterval string = '200ms'

@description('Sluice__ReceiverMode: reliable (return only after blocks are durable) or unreliable (buffer in memory).')
@allowed([
  'reliable'
  'unreliable'
])
param receiverWal string = 'reliable'

@description('Sluice__MaxTasksPerBatch: most task activities one batch fans out to.')
@minValue(1)
@maxValue(256)
param maxTasksPerBatch int = 8

// Whole days, because the lifecycle rule counts in days; the setting gets "<n>d".
@description('Sluice__BlockRetention in days: blocks kept after their batch; also the lifecycle rule that deletes old blocks.')
@minValue(1)
param blockRetentionDays int = 7

@description('Sluice__WalRetention: how long WAL records of completed batches stay, e.g. "7d".')
param walRetention string = '7d'

@description('Sluice__StartingPosition: where a partition with no checkpoint starts: earliest, latest, or an ISO 8601 time.')
param startingPosition string = 'earliest'

@description('Sluice__OnBatchFailure: stop (keep the data for a replay) or skip a batch that fails after retries.')
@allowed([
  'stop'
  'skip'
])
param onBatchFailure string = 'stop'

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

// ---------------------------------------------------------------------------------------------
// Streams: every Event Hubs source the app's streams read
// ---------------------------------------------------------------------------------------------

// One entry per source of every stream the app registers: its stream, its name among the stream's
// sources (none for a stream's one hub), its hub, the consumer group its trigger reads with and
// the one gap fill reads back with. The shape is infra/streams.schema.json;
// test/infra/streams-contract.test.ts holds it to the streams the sample app registers.
var streamSources = loadJsonContent('streams.json').sources

// Lambda bodies that start with a member access are written in parentheses, src => (src.x): the
// grammar test/infra/bicep checks with reads src => src.x as (src => src).x.
var hubNames = union(map(streamSources, src => (src.eventHubName)), [])

// Each source's trigger group and gap-fill group, on its hub, once each. Sluice's receivers own
// their groups, so $Default stays free for ad-hoc readers; gap fill reads without an owner level,
// so the sources of one hub can share its gap-fill group.
var triggerGroups = map(streamSources, src => {
  hub: src.eventHubName
  name: src.consumerGroup
})
var gapFillGroups = map(streamSources, src => {
  hub: src.eventHubName
  name: src.gapConsumerGroup
})
var consumerGroups = union(triggerGroups, gapFillGroups)

// Where each stream reads, as the app settings it resolves first: Sluice__Streams__<stream>__ for
// a stream's one hub, Sluice__Streams__<stream>__Sources__<source>__ for named hubs. Set for every
// source, so the app reads exactly the hubs and groups created here, whatever its code defaults.
var sourcesWithPrefix = map(streamSources, src => union(src, {
  settingPrefix: src.?source == null ? 'Sluice__Streams__${src.stream}__' : 'Sluice__Streams__${src.stream}__Sources__${src.?source}__'
}))
var streamSettings = reduce(sourcesWithPrefix, {}, (settings, src) => union(settings, {
  '${src.settingPrefix}EventHubName': src.eventHubName
  '${src.settingPrefix}ConsumerGroup': src.consumerGroup
  '${src.settingPrefix}GapConsumerGroup': src.gapConsumerGroup
}))

// The single-stream settings (SLUICE_EVENTHUB_NAME, SLUICE_CONSUMER_GROUP) and the first hub's azd
// outputs name the first source; test/infra/streams-contract.test.ts holds these to streams.json.
var eventHubName = 'pageviews'
var consumerGroupName = 'sluice'
var deploymentContainerName = 'app-package-${resourceToken}'

// Every Sluice setting (SETTING_LIST) under its app-wide name Sluice__<Key>; a stream of the app
// may override a stream-scoped one with Sluice__Streams__<stream>__<Key>. Non-tunable ones keep their
// defaults; the hub and consumer group are the names the eventhubs module creates. Only
// deploy-time values here, so the storage module can take container names from this object
// without waiting for other deployments.
var sluiceSettings = {
  Sluice__StreamName: streamName
  Sluice__EventHubName: eventHubName
  Sluice__ConsumerGroup: consumerGroupName
  Sluice__GapConsumerGroup: 'auto'
  Sluice__BatchInterval: batchInterval
  Sluice__BlockInterval: blockInterval
  Sluice__ReceiverMode: receiverWal
  Sluice__MaxBlockBytes: '1MiB'
  Sluice__MaxTasksPerBatch: string(maxTasksPerBatch)
  Sluice__BlockRetention: '${blockRetentionDays}d'
  Sluice__WalRetention: walRetention
  Sluice__StartingPosition: startingPosition
  Sluice__OnBatchFailure: onBatchFailure
  Sluice__SupervisorSchedule: '0 */1 * * * *'
  Sluice__ActivityRetries: '3'
  Sluice__IdlePartitionTimeout: '1m'
  Sluice__RetryMaxDelay: '5m'
  Sluice__TransientRetryLimit: 'unlimited'
  Sluice__MaxEventsPerPartition: '100000'
  Sluice__MaxBytesPerPartition: '32MiB'
  Sluice__BlocksContainer: 'sluice-blocks'
  Sluice__PartialsContainer: 'sluice-partials'
  Sluice__StateContainer: 'sluice-state'
  Sluice__OutputContainer: 'sluice-output'
  Sluice__DeadLetterContainer: 'sluice-deadletter'
  Sluice__WalTable: 'sluicewal'
  Sluice__OutputTable: 'sluiceoutput'
  Sluice__StorageConnection: 'AzureWebJobsStorage'
}

// The Event Hubs extension decides where a partition without a checkpoint starts, so the
// starting position is also handed to it as a host.json override.
var initialOffsetType = startingPosition == 'earliest' ? 'fromStart' : (startingPosition == 'latest' ? 'fromEnd' : 'fromEnqueuedTime')
var offsetTypeSetting = {
  AzureFunctionsJobHost__extensions__eventHubs__initialOffsetOptions__type: initialOffsetType
}
var enqueuedTimeSetting = initialOffsetType == 'fromEnqueuedTime' ? {
  AzureFunctionsJobHost__extensions__eventHubs__initialOffsetOptions__enqueuedTimeUtc: startingPosition
} : {}
var hostSettings = union(offsetTypeSetting, enqueuedTimeSetting)

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    containerNames: [
      sluiceSettings.Sluice__BlocksContainer
      sluiceSettings.Sluice__PartialsContainer
      sluiceSettings.Sluice__StateContainer
      sluiceSettings.Sluice__OutputContainer
      sluiceSettings.Sluice__DeadLetterContainer
      deploymentContainerName
    ]
    tableNames: [
      sluiceSettings.Sluice__WalTable
      sluiceSettings.Sluice__OutputTable
    ]
    blocksContainerName: sluiceSettings.Sluice__BlocksContainer
    blockRetentionDays: blockRetentionDays
  }
}

module eventHubs 'app/eventhubs.bicep' = {
  name: 'eventhubs'
  scope: rg
  params: {
    name: 'evhns-${resourceToken}'
    location: location
    tags: tags
    hubNames: hubNames
    consumerGroups: consumerGroups
    partitionCount: partitionCount
    retentionDays: eventRetentionDays
    throughputUnits: throughputUnits
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    location: location
    tags: tags
    namePrefix: 'alert-${resourceToken}'
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    eventHubNamespaceName: eventHubs.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module functionApp 'app/function.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    nodeVersion: nodeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    eventHubFullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appSettings: union(sluiceSettings, streamSettings, hostSettings)
  }
  // The host starts as soon as the app exists; its identity must already hold its roles, or
  // the first trigger listeners fail with 403 until the app restarts.
  dependsOn: [
    rbac
  ]
}

// ---------------------------------------------------------------------------------------------
// Outputs: azd writes these to .azure/<env>/.env. No keys or secrets among them.
// ---------------------------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_EVENTHUB_NAMESPACE string = eventHubs.outputs.name
output AZURE_EVENTHUB_FULLY_QUALIFIED_NAMESPACE string = eventHubs.outputs.fullyQualifiedNamespace
// The first source's hub and group; AZURE_EVENTHUB_NAMES lists every hub, comma-separated, for
// producers and checks that send to each.
output AZURE_EVENTHUB_NAME string = eventHubName
output AZURE_EVENTHUB_CONSUMER_GROUP string = consumerGroupName
output AZURE_EVENTHUB_NAMES string = join(hubNames, ',')
output AZURE_APPLICATION_INSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId

// The same endpoints under the setting names Sluice and the Functions host read, so a local run
// can load .azure/<env>/.env as its environment (readme-parts/deploy.md). No __credential or
// __clientId here: locally the developer's own sign-in is used.
output AzureWebJobsStorage__blobServiceUri string = storage.outputs.blobEndpoint
output AzureWebJobsStorage__queueServiceUri string = storage.outputs.queueEndpoint
output AzureWebJobsStorage__tableServiceUri string = storage.outputs.tableEndpoint
output EventHubConnection__fullyQualifiedNamespace string = eventHubs.outputs.fullyQualifiedNamespace
output SLUICE_EVENTHUB_NAME string = eventHubName
output SLUICE_CONSUMER_GROUP string = consumerGroupName
