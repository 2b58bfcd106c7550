// The whole cloud side in one deployment, by `azd up` (azure.yaml, infra.parameters.json) or by hand:
//   az deployment group create -g RG -f infra.bicep -p relayToken=... principalId=... sourceSecrets='{"github":"..."}'
// Flex Consumption (Linux) runs the .NET isolated worker; everything reaches storage, Web PubSub, Key Vault and
// Application Insights with the app's system-assigned identity, so no storage, Web PubSub or telemetry key exists
// in any setting.
//
// Every deployment writes the app settings whole: whatever docs/deploying.md says to configure in Azure comes from a
// parameter here (sourceSecrets, telegram, slack, discord, relayToken, relayTokenChannels, relayTokens, appSettings), never from a
// setting changed by hand, which the next deployment would remove.

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

// azd generates this once (32 letters and digits), keeps it in the environment's secret store and passes it on
// every provision; by hand, pass a new one the first time and the one Key Vault keeps afterwards.
@description('Relay token: what each relay sends as RELAY_TOKEN (at least 16 characters). Kept in Key Vault as relay-token; the app reads it from there.')
@secure()
@minLength(16)
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 32
      noSpecial: true
    }
  }
})
param relayToken string

@description('The channels relayToken may use, separated by commas ("*" for all).')
param relayTokenChannels string = '*'

@description('More relay tokens, e.g. one per engineer or the next token during a rotation: {"bob": {"sha256": "<hex SHA-256 of the token>", "channels": "bob,bob-ci"}, "next": {"secret": "<token>", "channels": "*"}}. Each becomes Relay__Tokens__N__Sha256 or __Secret, and __Channels, after relayToken in name order.')
@secure()
param relayTokens object = {}

@description('Webhook secrets by source, e.g. {"github": "...", "pagerduty": "..."}; {} for none.')
@secure()
param sourceSecrets object = {}

@description('Telegram bot: {"botToken": "...", "secretToken": "...", "botUsername": "..."} from BotFather and your choice; {} for none.')
@secure()
param telegram object = {}

@description('Slack app: {"signingSecret": "...", "botToken": "xoxb-...", "botUserId": "U..."} from the app\'s Basic Information and OAuth & Permissions pages (botUserId optional); {} for none.')
@secure()
param slack object = {}

@description('Discord application: {"publicKey": "...", "applicationId": "...", "botToken": "..."} from the developer portal; {} for none.')
@secure()
param discord object = {}

@description('Further app settings that hold no secret, e.g. {"Telegram__AllowedUsers__0": "12345", "Channels__ops__MinSeverity": "error"}. The settings this template manages win over these.')
param appSettings object = {}

@description('A user, group or service principal given Key Vault Secrets User on the vault, so it can read the relay token back (azd passes the signed-in user; by hand: az ad signed-in-user show --query id -o tsv). Empty for none.')
param principalId string = ''

@description('What principalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

var suffix = uniqueString(resourceGroup().id, namePrefix)
var storageName = take('${namePrefix}${suffix}', 24)
// Vault names start with a letter and hold at most 24 letters, digits and hyphens.
var vaultName = take('kv${namePrefix}${suffix}', 24)
var deploymentContainer = 'deployments'
var relayTokenSecretName = 'relay-token'

// The sources the app knows (functions/Sources/*, each SourceName), for one webhook URL each in the outputs.
var sources = [
  'generic'
  'github'
  'gitlab'
  'pagerduty'
  'sentry'
  'grafana'
  'alertmanager'
  'datadog'
  'azuremonitor'
  'standard'
]

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  webPubSubServiceOwner: '12cf5a90-567b-43ae-8102-96cf46c7d9b4'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
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
    // Telemetry only with an Entra token (the app's identity, Monitoring Metrics Publisher): the connection
    // string alone, which is no secret, cannot be used to send data.
    DisableLocalAuth: true
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

// 2024-03-01 is the newest GA version of Microsoft.SignalRService/webPubSub (azure-rest-api-specs
// specification/webpubsub/.../stable/2024-03-01; every later one, up to 2025-12-01-preview, is a preview).
resource webPubSub 'Microsoft.SignalRService/webPubSub@2024-03-01' = {
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

resource hub 'Microsoft.SignalRService/webPubSub/hubs@2024-03-01' = {
  parent: webPubSub
  name: webPubSubHub
  properties: {
    anonymousConnectPolicy: 'Deny'
  }
}

// Holds the relay token so that it is never lost: the app reads it by Key Vault reference, and whoever deploys
// reads it back with the relayTokenCommand output. Access by Azure RBAC only, no access policies.
resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: vaultName
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    // The shortest soft-delete retention: a deleted resource group can be deployed again under the same name
    // a week later (or at once after az keyvault purge).
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource relayTokenSecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: relayTokenSecretName
  properties: {
    value: relayToken
    contentType: 'RELAY_TOKEN for relays of this deployment'
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
  // azd deploys the "functions" service of azure.yaml to the resource with this tag.
  tags: {
    'azd-service-name': 'functions'
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // No ftpsState: Flex Consumption does not support FTPS (app settings reference, "Flex Consumption plan
    // deprecations"); basic publishing credentials are off below.
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
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
      // The stacks data lists dotnet-isolated 10.0 (GA, not preview) for FC1 with exactly this runtime object
      // (Microsoft.Web functionAppStacks, linuxRuntimeSettings of ".NET 10 Isolated": Sku FC1,
      // functionAppConfigProperties.runtime); 10.0 is the newest .NET it lists, and the app targets net10.0.
      // FUNCTIONS_WORKER_RUNTIME is not an app setting on Flex Consumption: this name replaces it.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
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
  // Application Insights takes no key (DisableLocalAuth): the host sends with the system-assigned identity.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  Storage__ServiceUri: storage.properties.primaryEndpoints.queue
  Storage__BlobServiceUri: storage.properties.primaryEndpoints.blob
  WebPubSub__Endpoint: 'https://${webPubSub.properties.hostName}'
  WebPubSub__Hub: hub.name
  // The versioned URI: a new token is a new version, so the setting changes and the app restarts with it.
  Relay__Tokens__0__Secret: '@Microsoft.KeyVault(SecretUri=${relayTokenSecret.properties.secretUriWithVersion})'
  Relay__Tokens__0__Channels: relayTokenChannels
}

var moreRelayTokens = items(relayTokens)

var moreRelayTokenSettings = toObject(
  flatten(map(
    range(0, length(moreRelayTokens)),
    i =>
      concat(
        [
          {
            key: 'Relay__Tokens__${i + 1}__Channels'
            value: string(moreRelayTokens[i].value.?channels ?? '')
          }
        ],
        empty(moreRelayTokens[i].value.?sha256 ?? '')
          ? []
          : [
              {
                key: 'Relay__Tokens__${i + 1}__Sha256'
                value: string(moreRelayTokens[i].value.sha256)
              }
            ],
        empty(moreRelayTokens[i].value.?secret ?? '')
          ? []
          : [
              {
                key: 'Relay__Tokens__${i + 1}__Secret'
                value: string(moreRelayTokens[i].value.secret)
              }
            ]
      )
  )),
  s => s.key,
  s => s.value
)

var sourceSettings = toObject(items(sourceSecrets), s => 'Sources__${s.key}__Secret', s => string(s.value))

var telegramSettings = empty(telegram)
  ? {}
  : {
      Telegram__BotToken: telegram.?botToken ?? ''
      Telegram__SecretToken: telegram.?secretToken ?? ''
      Telegram__BotUsername: telegram.?botUsername ?? ''
    }

var slackSettings = empty(slack)
  ? {}
  : {
      Slack__SigningSecret: slack.?signingSecret ?? ''
      Slack__BotToken: slack.?botToken ?? ''
      Slack__BotUserId: slack.?botUserId ?? ''
    }

var discordSettings = empty(discord)
  ? {}
  : {
      Discord__PublicKey: discord.?publicKey ?? ''
      Discord__ApplicationId: discord.?applicationId ?? ''
      Discord__BotToken: discord.?botToken ?? ''
    }

resource siteSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: union(appSettings, moreRelayTokenSettings, sourceSettings, telegramSettings, slackSettings, discordSettings, baseSettings)
  // The Key Vault reference resolves only once the identity may read the secret.
  dependsOn: [
    vaultRoles
  ]
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

resource vaultRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, site.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource deployerVaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(vault.id, principalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, site.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

var baseUrl = 'https://${site.properties.defaultHostName}'
var relayTokenCommand = 'az keyvault secret show --vault-name ${vault.name} --name ${relayTokenSecretName} --query value --output tsv'

@description('The function app.')
output baseUrl string = baseUrl

@description('The name to publish the deployment package to.')
output functionAppName string = site.name

@description('The Key Vault holding the relay token.')
output keyVaultName string = vault.name

@description('Paste into each SaaS tool, with its source and your channel.')
output webhookUrlPattern string = '${baseUrl}/api/hooks/{source}/{channel}'

@description('The webhook URL of each source; replace CHANNEL with the relay\'s --channel.')
output webhookUrls object = toObject(sources, s => s, s => '${baseUrl}/api/hooks/${s}/CHANNEL')

@description('For Telegram\'s setWebhook, with your secretToken.')
output telegramWebhookUrl string = '${baseUrl}/api/telegram'

@description('Slack app: Event Subscriptions Request URL.')
output slackEventsUrl string = '${baseUrl}/api/slack/events'

@description('Slack app: Interactivity Request URL.')
output slackInteractivityUrl string = '${baseUrl}/api/slack/interactivity'

@description('The Interactions Endpoint URL for the Discord developer portal.')
output discordInteractionsUrl string = '${baseUrl}/api/discord/interactions'

@description('Where relays negotiate their Web PubSub connection.')
output negotiateUrl string = '${baseUrl}/api/relay/negotiate?channel={channel}'

@description('Prints the relay token (Key Vault Secrets User on the vault needed, given to principalId).')
output relayTokenCommand string = relayTokenCommand

@description('How to start a relay against this deployment, in your project.')
output relayCommand string = 'RELAY_TOKEN="$(${relayTokenCommand})" relay init --url ${baseUrl} --channel default'
