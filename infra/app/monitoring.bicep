// Logs and traces: Application Insights on a Log Analytics workspace.

@description('Log Analytics workspace name.')
param logAnalyticsName string

@description('Application Insights component name.')
param applicationInsightsName string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Days Log Analytics keeps data (30 is the included retention).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Ingestion needs an Entra ID token (Monitoring Metrics Publisher), so the instrumentation
    // key inside the connection string cannot be used on its own to write telemetry.
    DisableLocalAuth: true
  }
}

// Only names leave this module: the function module reads the connection string through an
// `existing` reference, so it never shows up in deployment outputs.
output applicationInsightsName string = appInsights.name
output logAnalyticsName string = workspace.name
