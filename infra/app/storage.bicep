// One storage account for everything: the Functions host (AzureWebJobsStorage, Durable's
// queues and tables, Event Hubs trigger checkpoints), the deployment package, and Sluice's
// blocks, WAL, state and sink outputs. Identity only: no account key is ever used.

@description('Storage account name (3 to 24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Blob containers to create: Sluice\'s containers plus the deployment package container.')
param containerNames array

@description('Tables to create: the WAL (which also holds receiver checkpoints) and the Table sink output.')
param tableNames array

@description('Container whose block blobs the lifecycle rule deletes (Sluice\'s blocks container).')
param blocksContainerName string

@description('Days after its last write before a block blob is deleted by the lifecycle rule.')
@minValue(1)
param blockRetentionDays int

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    // Entra ID only: the app uses its managed identity, developers their own sign-in.
    allowSharedKeyAccess: false
    // Portal and tools default to Entra ID too, so nobody is nudged toward keys.
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    // Blocks and outputs are private data; nothing is served anonymously.
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
    // Public endpoint with RBAC; a VNet/private-endpoint variant is out of scope here.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

// Durable Functions (Azure Storage backend) creates its own queues and tables at start-up;
// declaring the service keeps it explicit that the account must offer queues.
resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// A backstop for block retention: Sluice deletes blocks itself once their batch is old enough,
// and this rule removes whatever a crash or a stopped stream left behind. It counts from the
// blob's last write, so a stream stopped for longer than this loses its unprocessed blocks.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-expired-blocks'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              // "<container>/" limits the rule to that container, not every container whose
              // name starts with the same letters.
              prefixMatch: [
                '${blocksContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: blockRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    containers
  ]
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output tableEndpoint string = account.properties.primaryEndpoints.table
output queueEndpoint string = account.properties.primaryEndpoints.queue
