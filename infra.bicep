// The whole cloud side in one deployment:
//   az deployment group create -g RG -f infra.bicep -p relayToken=... sourceSecrets='{"github":"..."}' telegram='{}'
// Flex Consumption (Linux) runs the custom handler; everything reaches storage and Web PubSub with the
// app's system-assigned identity, so no storage or Web PubSub key exists in any setting.

@description('Prefix for resource names: 3 to 11 lower-case letters or digits.')
@minLength(3)
@maxLength(11)
param namePrefix string = 'channels'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Web PubSub SKU: Free_F1 (20 connections, 20k messages a day) or Standard_S1.')
@allowed([
  'Free_F1'
  'Standard_S1'
  'Premium_P1'
])
param webPubSubSku string = 'Free_F1'

@description('Web PubSub hub holding one group per channel.')
param webPubSubHub string = 'channels'

@description('Maximum instances the Flex Consumption app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Relay token: what each relay sends as RELAY_TOKEN (at least 16 characters).')
@secure()
@minLength(16)
param relayToken string

@description('The channels relayToken may use, separated by commas ("*" for all). Give each engineer a token of their own channel with further Relay__Tokens__N__Secret and Relay__Tokens__N__Channels settings.')
param relayTokenChannels string = '*'

@description('Webhook secrets by source, e.g. {"github": "...", "pagerduty": "..."}; {} for none.')
@secure()
param sourceSecrets object

@description('Telegram bot: {"botToken": "...", "secretToken": "...", "botUsername": "..."} from BotFather and your choice; {} for none.')
@secure()
param telegram object

var suffix = uniqueString(resourceGroup().id, namePrefix)
var storageName = take('${namePrefix}${suffix}', 24)
var deploymentContainer = 'deployments'

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  webPubSubServiceOwner: '12cf5a90-567b-43ae-8102-96cf46c7d9b4'
}

resource logs 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: '${namePrefix}-logs-${suffix}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-ai-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for name in [deploymentContainer, 'event-payloads', 'deliveries']: {
    parent: blobService
    name: name
  }
]

// Large payloads and delivery records are only needed for a while; the queues hold the truth.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-event-blobs'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'event-payloads/'
                'deliveries/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: 14
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource webPubSub 'Microsoft.SignalRService/webPubSub@2025-12-01-preview' = {
  name: '${namePrefix}-wps-${suffix}'
  location: location
  sku: {
    name: webPubSubSku
    capacity: 1
  }
  properties: {
    // Identity only: the app signs nothing with a key, and relays get tokens from generateToken.
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource hub 'Microsoft.SignalRService/webPubSub/hubs@2025-12-01-preview' = {
  parent: webPubSub
  name: webPubSubHub
  properties: {
    anonymousConnectPolicy: 'Deny'
  }
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: '${namePrefix}-plan-${suffix}'
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: '${namePrefix}-${suffix}'
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
  }
}

resource publishingCredentialsFtp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource publishingCredentialsScm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

var baseSettings = {
  AzureWebJobsStorage__accountName: storage.name
  APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
  Storage__ServiceUri: storage.properties.primaryEndpoints.queue
  Storage__BlobServiceUri: storage.properties.primaryEndpoints.blob
  WebPubSub__Endpoint: 'https://${webPubSub.properties.hostName}'
  WebPubSub__Hub: hub.name
  Relay__Tokens__0__Secret: relayToken
  Relay__Tokens__0__Channels: relayTokenChannels
}

var sourceSettings = toObject(items(sourceSecrets), s => 'Sources__${s.key}__Secret', s => string(s.value))

var telegramSettings = empty(telegram)
  ? {}
  : {
      Telegram__BotToken: telegram.?botToken ?? ''
      Telegram__SecretToken: telegram.?secretToken ?? ''
      Telegram__BotUsername: telegram.?botUsername ?? ''
    }

resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: union(baseSettings, sourceSettings, telegramSettings)
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
    name: guid(storage.id, site.id, role)
    scope: storage
    properties: {
      principalId: site.identity.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

resource webPubSubRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(webPubSub.id, site.id, roles.webPubSubServiceOwner)
  scope: webPubSub
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.webPubSubServiceOwner)
  }
}

var baseUrl = 'https://${site.properties.defaultHostName}'

@description('The function app.')
output baseUrl string = baseUrl

@description('The name to publish the deployment package to.')
output functionAppName string = site.name

@description('Paste into each SaaS tool, with its source and your channel.')
output webhookUrlPattern string = '${baseUrl}/api/hooks/{source}/{channel}'

@description('Where relays negotiate their Web PubSub connection.')
output negotiateUrl string = '${baseUrl}/api/relay/negotiate?channel={channel}'

@description('How to start a relay against this deployment (the token is the relayToken you deployed with).')
output relayCommand string = 'RELAY_TOKEN=<your relay token> relay init --url ${baseUrl} --channel default'
