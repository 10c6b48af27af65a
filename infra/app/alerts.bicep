// Three log alerts on the records Sluice writes to Application Insights (the traces
// table; see docs/operations.md). The queries live in app/alerts/*.kql, which the operations
// guide shows word for word, so the alerts and the documentation cannot drift apart.

@description('Application Insights component the app writes its telemetry to.')
param applicationInsightsName string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Prefix of the alert rule names.')
param namePrefix string

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var rules = [
  {
    name: '${namePrefix}-slow-batches'
    displayName: 'Sluice: processing slower than the batch interval for 5 batches in a row'
    description: 'The newest 5 batches of a stream each took longer to process than its batch interval: batches queue up and delays grow.'
    severity: 2
    query: loadTextContent('alerts/slow-batches.kql')
  }
  {
    name: '${namePrefix}-growing-lag'
    displayName: 'Sluice: lag growing for 10 minutes'
    description: 'The events stored but not yet processed rose in every minute of the last 10: the stream is falling behind.'
    severity: 2
    query: loadTextContent('alerts/growing-lag.kql')
  }
  {
    name: '${namePrefix}-lost-events'
    displayName: 'Sluice: events lost'
    description: 'A receiver found events the trigger skipped that Event Hubs no longer held (GapDetected): they never reached any output. The status page lists the ranges.'
    severity: 1
    query: loadTextContent('alerts/lost-events.kql')
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for rule in rules: {
  name: rule.name
  location: location
  tags: tags
  properties: {
    displayName: rule.displayName
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [
      appInsights.id
    ]
    // Evaluated every 5 minutes over the last hour; each query bounds its own time range.
    evaluationFrequency: 'PT5M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
  }
}]
