using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using Serverless.Testing;

namespace Serverless.Tests.Deployment;

/// <summary>infra.bicep compiled once by the real Bicep CLI, shared by the tests that read the ARM template.</summary>
public sealed class CompiledInfra : IAsyncLifetime
{
    public JsonObject Template { get; private set; } = null!;

    public string BuildOutput { get; private set; } = string.Empty;

    public int BuildExitCode { get; private set; }

    public async Task InitializeAsync()
    {
        (BuildExitCode, BuildOutput) = await BicepCli.RunAsync("build", "infra.bicep", "--stdout");
        Assert.True(BuildExitCode == 0, BuildOutput);
        Template = JsonNode.Parse(BuildOutput[BuildOutput.IndexOf('{', StringComparison.Ordinal)..])!.AsObject();
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>infra.bicep through the real Bicep compiler and linter, and the ARM template it compiles to.</summary>
public sealed class InfraTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    private static readonly string Root = Repository.Root;
    private static readonly JsonSerializerOptions Raw = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly JsonObject _template = infra.Template;

    private static string Text(JsonNode node) => node.ToJsonString(Raw);

    private IEnumerable<JsonObject> Resources(string type) =>
        (_template["resources"] is JsonObject map ? map.Select(p => p.Value) : _template["resources"]!.AsArray())
        .OfType<JsonObject>()
        .Where(r => (string?)r["type"] == type);

    [Fact]
    public void Bicep_build_is_clean()
    {
        Assert.Equal(0, infra.BuildExitCode);
        var diagnostics = infra.BuildOutput[..infra.BuildOutput.IndexOf('{', StringComparison.Ordinal)];
        Assert.True(string.IsNullOrWhiteSpace(diagnostics), diagnostics);
    }

    [Fact]
    public async Task Bicep_lint_reports_nothing_with_every_rule_on()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "bicepconfig.json")))!;
        var rules = config["analyzers"]!["core"]!["rules"]!.AsObject();
        Assert.True(rules.Count >= 30);
        Assert.All(rules.Where(r => r.Key != "use-recent-module-versions"), r => Assert.Equal("warning", (string?)r.Value!["level"]));

        var (exit, output) = await BicepCli.RunAsync("lint", "infra.bicep");

        Assert.Equal(0, exit);
        Assert.True(string.IsNullOrWhiteSpace(output), output);
    }

    [Fact]
    public void The_plan_is_flex_consumption_on_linux_running_the_isolated_worker_on_dotnet_10()
    {
        var plan = Assert.Single(Resources("Microsoft.Web/serverfarms"));
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.True((bool?)plan["properties"]!["reserved"]);

        var site = Assert.Single(Resources("Microsoft.Web/sites"));
        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        var runtime = site["properties"]!["functionAppConfig"]!["runtime"]!;
        // Pinned to what the Flex Consumption stacks data lists for FC1 (dotnet-isolated 10.0, GA) and to what the
        // app targets (net10.0): another .NET needs the app and this value to move together.
        Assert.Equal("dotnet-isolated", (string?)runtime["name"]);
        Assert.Equal("10.0", (string?)runtime["version"]);
        Assert.Equal("SystemAssignedIdentity", (string?)site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]);
        // azd deploys the functions service of azure.yaml to the resource carrying this tag.
        Assert.Equal("functions", (string?)site["tags"]!["azd-service-name"]);
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("FUNCTIONS_CUSTOMHANDLER")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTSHARE")]
    [InlineData("ftpsState")]
    [InlineData("'custom'")]
    public void Nothing_flex_consumption_deprecates_or_the_custom_handler_needed_is_set(string name)
    {
        // Flex Consumption takes the runtime from functionAppConfig.runtime only, and supports no FTPS.
        Assert.DoesNotContain(name, Text(_template), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_site_has_a_system_assigned_identity_https_only_tls_12_and_no_ftp()
    {
        var site = Assert.Single(Resources("Microsoft.Web/sites"));
        var properties = site["properties"]!;

        Assert.Equal("SystemAssigned", (string?)site["identity"]!["type"]);
        Assert.True((bool?)properties["httpsOnly"]);
        Assert.Equal("1.2", (string?)properties["siteConfig"]!["minTlsVersion"]);
        Assert.Null(properties["siteConfig"]!["ftpsState"]);
        var policies = Resources("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(2, policies.Count);
        Assert.Contains(policies, p => ((string?)p["name"])!.EndsWith("'ftp')]", StringComparison.Ordinal));
        Assert.Contains(policies, p => ((string?)p["name"])!.EndsWith("'scm')]", StringComparison.Ordinal));
        Assert.All(policies, p => Assert.False((bool?)p["properties"]!["allow"]));
    }

    [Fact]
    public void Storage_is_reached_by_identity_only_over_tls_12()
    {
        var storage = Assert.Single(Resources("Microsoft.Storage/storageAccounts"))["properties"]!;

        Assert.Equal("TLS1_2", (string?)storage["minimumTlsVersion"]);
        Assert.False((bool?)storage["allowSharedKeyAccess"]);
        Assert.False((bool?)storage["allowBlobPublicAccess"]);
        Assert.True((bool?)storage["supportsHttpsTrafficOnly"]);
        Assert.True((bool?)Assert.Single(Resources("Microsoft.SignalRService/webPubSub"))["properties"]!["disableLocalAuth"]);
    }

    [Fact]
    public void Web_pubsub_is_on_its_newest_ga_api_version()
    {
        var versions = Resources("Microsoft.SignalRService/webPubSub").Concat(Resources("Microsoft.SignalRService/webPubSub/hubs"))
            .Select(r => (string?)r["apiVersion"]).ToList();

        Assert.Equal(2, versions.Count);
        Assert.All(versions, v => Assert.DoesNotContain("preview", v, StringComparison.OrdinalIgnoreCase));
        // Pinned: 2024-03-01 is the newest stable version in azure-rest-api-specs (specification/webpubsub, stable/);
        // every later one, up to 2025-12-01-preview, is a preview. Move it when a newer GA version appears.
        Assert.All(versions, v => Assert.Equal("2024-03-01", v));
    }

    [Theory]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Storage Blob Data Owner", "Microsoft.Storage/storageAccounts")]
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Storage Queue Data Contributor", "Microsoft.Storage/storageAccounts")]
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Storage Table Data Contributor", "Microsoft.Storage/storageAccounts")]
    [InlineData("12cf5a90-567b-43ae-8102-96cf46c7d9b4", "Web PubSub Service Owner", "Microsoft.SignalRService/webPubSub")]
    [InlineData("4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User", "Microsoft.KeyVault/vaults")]
    [InlineData("3913510d-42f4-4e42-8a64-420c390055eb", "Monitoring Metrics Publisher", "Microsoft.Insights/components")]
    public void The_app_identity_gets_each_role_on_its_resource(string roleId, string role, string scopeType)
    {
        var assignments = AssignmentsOf(roleId).Where(a => ((string?)a["properties"]!["principalId"])!.Contains("Microsoft.Web/sites", StringComparison.Ordinal)).ToList();

        Assert.True(assignments.Count > 0, $"no assignment of {role} to the app's identity");
        Assert.All(assignments, a =>
        {
            Assert.Contains("identity.principalId", (string?)a["properties"]!["principalId"], StringComparison.Ordinal);
            Assert.Equal("ServicePrincipal", (string?)a["properties"]!["principalType"]);
            Assert.Contains(scopeType, (string?)a["scope"], StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_deployer_given_as_principal_id_may_read_the_relay_token_back()
    {
        var assignment = Assert.Single(AssignmentsOf("4633458b-17de-408a-b874-0445c86b69e6"), a => (string?)a["properties"]!["principalId"] == "[parameters('principalId')]");

        Assert.Contains("Microsoft.KeyVault/vaults", (string?)assignment["scope"], StringComparison.Ordinal);
        Assert.Equal("[parameters('principalType')]", (string?)assignment["properties"]!["principalType"]);
        // No principal, no assignment: a deployment without principalId still works.
        Assert.Equal("[not(empty(parameters('principalId')))]", (string?)assignment["condition"]);
    }

    [Fact]
    public void Application_insights_takes_telemetry_only_from_the_app_identity()
    {
        var insights = Assert.Single(Resources("Microsoft.Insights/components"));
        Assert.True((bool?)insights["properties"]!["DisableLocalAuth"]);

        var settings = Settings();
        Assert.Equal("'Authorization=AAD'", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Contains(".ConnectionString", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_relay_token_is_kept_in_key_vault_and_read_by_key_vault_reference()
    {
        var vault = Assert.Single(Resources("Microsoft.KeyVault/vaults"));
        Assert.True((bool?)vault["properties"]!["enableRbacAuthorization"]);
        Assert.DoesNotContain("preview", (string?)vault["apiVersion"], StringComparison.Ordinal);

        var secret = Assert.Single(Resources("Microsoft.KeyVault/vaults/secrets"));
        Assert.Equal("[parameters('relayToken')]", (string?)secret["properties"]!["value"]);

        var reference = Settings()["Relay__Tokens__0__Secret"];
        Assert.StartsWith("format('@Microsoft.KeyVault(SecretUri={0})'", reference, StringComparison.Ordinal);
        Assert.Contains("Microsoft.KeyVault/vaults/secrets", reference, StringComparison.Ordinal);
        var config = Assert.Single(Resources("Microsoft.Web/sites/config"));
        // The token itself is in no app setting: only the vault holds it.
        Assert.DoesNotContain("parameters('relayToken')", Text(config), StringComparison.Ordinal);
        // The settings are written after the identity may read the secret, so the reference resolves.
        Assert.Contains(config["dependsOn"]!.AsArray(), d => ((string?)d)!.Contains("Microsoft.Authorization/roleAssignments", StringComparison.Ordinal));
    }

    [Fact]
    public void Secure_parameters_have_no_default_but_an_empty_one_and_no_output_carries_a_secret()
    {
        var parameters = _template["parameters"]!.AsObject();
        var secure = parameters.Where(p => ((string?)p.Value!["type"])?.StartsWith("secure", StringComparison.OrdinalIgnoreCase) == true).Select(p => p.Key).ToList();

        Assert.Equal(["discord", "relayToken", "relayTokens", "slack", "sourceSecrets", "telegram"], secure.Order());
        Assert.Null(parameters["relayToken"]!["defaultValue"]);
        // Optional secret maps default to nothing at all ({}), never to a value.
        Assert.All(secure, name => Assert.True(parameters[name]!["defaultValue"] is null or JsonObject { Count: 0 }, name));
        foreach (var (name, output) in _template["outputs"]!.AsObject())
        {
            var value = Text(output!["value"]!);
            Assert.All(secure, s => Assert.DoesNotContain($"parameters('{s}')", value, StringComparison.Ordinal));
            Assert.DoesNotContain("listKeys", value, StringComparison.Ordinal);
            Assert.DoesNotContain("ConnectionString", value, StringComparison.Ordinal);
            Assert.DoesNotContain("secretUri", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Secret", name, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void The_outputs_tell_how_to_wire_everything()
    {
        var outputs = _template["outputs"]!.AsObject();

        Assert.All(
            ["baseUrl", "functionAppName", "keyVaultName", "webhookUrlPattern", "webhookUrls", "telegramWebhookUrl", "slackEventsUrl", "slackInteractivityUrl", "discordInteractionsUrl", "negotiateUrl", "relayTokenCommand", "relayCommand"],
            o => Assert.True(outputs.ContainsKey(o), o));
        // ARM format() doubles literal braces.
        Assert.Contains("/api/hooks/{{source}}/{{channel}}", (string?)outputs["webhookUrlPattern"]!["value"], StringComparison.Ordinal);
        Assert.Contains("/api/hooks/{1}/CHANNEL", (string?)outputs["webhookUrls"]!["value"], StringComparison.Ordinal);
        Assert.Contains("az keyvault secret show", Text(_template["variables"]!["relayTokenCommand"]!), StringComparison.Ordinal);
        Assert.Equal("[variables('relayTokenCommand')]", (string?)outputs["relayTokenCommand"]!["value"]);
        Assert.Contains("relay init --url", (string?)outputs["relayCommand"]!["value"], StringComparison.Ordinal);
        Assert.Contains("variables('relayTokenCommand')", (string?)outputs["relayCommand"]!["value"], StringComparison.Ordinal);
    }

    [Fact]
    public void There_is_one_webhook_url_for_each_source_the_app_knows()
    {
        var sources = _template["variables"]!["sources"]!.AsArray().Select(s => (string)s!).Order().ToList();
        var known = Directory.EnumerateFiles(Path.Combine(Root, "functions", "Sources"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"const string SourceName = ""([a-z]+)""").Select(m => m.Groups[1].Value))
            .Order()
            .ToList();

        Assert.NotEmpty(known);
        Assert.Equal(known, sources);
    }

    [Fact]
    public void App_settings_wire_storage_web_pubsub_and_the_secrets()
    {
        var settings = Settings();
        var template = Text(_template);

        Assert.All(
            ["AzureWebJobsStorage__accountName", "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "Storage__ServiceUri", "Storage__BlobServiceUri", "WebPubSub__Endpoint", "WebPubSub__Hub", "Relay__Tokens__0__Secret", "Relay__Tokens__0__Channels"],
            key => Assert.True(settings.ContainsKey(key), key));
        Assert.Equal("parameters('relayTokenChannels')", settings["Relay__Tokens__0__Channels"]);
        // Secret settings come from the secure parameters, through variables merged into the app settings.
        Assert.Contains("parameters('sourceSecrets')", template, StringComparison.Ordinal);
        Assert.Contains("Sources__", template, StringComparison.Ordinal);
        Assert.All(["Telegram__BotToken", "Telegram__SecretToken", "Telegram__BotUsername"], key => Assert.Contains(key, template, StringComparison.Ordinal));
        Assert.All(["Slack__SigningSecret", "Slack__BotToken", "Slack__BotUserId"], key => Assert.Contains(key, template, StringComparison.Ordinal));
        Assert.All(["Discord__PublicKey", "Discord__ApplicationId", "Discord__BotToken"], key => Assert.Contains(key, template, StringComparison.Ordinal));
        Assert.Contains("/api/discord/interactions", (string?)_template["outputs"]!["discordInteractionsUrl"]!["value"], StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", Text(Assert.Single(Resources("Microsoft.Web/sites/config"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_setting_a_user_may_change_comes_from_a_parameter_so_a_redeploy_keeps_it()
    {
        var properties = (string?)Assert.Single(Resources("Microsoft.Web/sites/config"))["properties"];

        // The settings are written whole: what docs/deploying.md has users configure in Azure is a parameter merged in,
        // and the settings the template manages come last, so no parameter overrides them.
        Assert.StartsWith(
            "[union(parameters('appSettings'), variables('moreRelayTokenSettings'), variables('sourceSettings'), variables('telegramSettings'), variables('slackSettings'), variables('discordSettings'), createObject(",
            properties,
            StringComparison.Ordinal);
        Assert.Contains("parameters('relayTokens')", Text(_template["variables"]!["moreRelayTokens"]!), StringComparison.Ordinal);
        Assert.All(
            ["Relay__Tokens__{0}__Channels", "Relay__Tokens__{0}__Sha256", "Relay__Tokens__{0}__Secret"],
            key => Assert.Contains(key, Text(_template["variables"]!["moreRelayTokenSettings"]!), StringComparison.Ordinal));
        Assert.Equal("object", (string?)_template["parameters"]!["appSettings"]!["type"]);
    }

    private IEnumerable<JsonObject> AssignmentsOf(string roleId)
    {
        // infra.bicep names the role ids once, in variables.roles; each assignment refers to its entry.
        var key = _template["variables"]!["roles"]!.AsObject().Single(p => (string?)p.Value == roleId).Key;
        return Resources("Microsoft.Authorization/roleAssignments").Where(a => Text(a).Contains($"variables('roles').{key}", StringComparison.Ordinal));
    }

    /// <summary>The managed app settings, the createObject(...) that ends the union: setting name to its ARM expression (a literal in quotes).</summary>
    private Dictionary<string, string> Settings()
    {
        var expression = (string)Assert.Single(Resources("Microsoft.Web/sites/config"))["properties"]!;
        var start = expression.LastIndexOf("createObject(", StringComparison.Ordinal) + "createObject(".Length;
        var arguments = Arguments(expression[start..]);
        Assert.True(arguments.Count % 2 == 0, expression);
        return Enumerable.Range(0, arguments.Count / 2).ToDictionary(i => arguments[2 * i].Trim('\''), i => arguments[(2 * i) + 1]);
    }

    /// <summary>The top-level arguments of an ARM call, read from just after its opening parenthesis to its closing one.</summary>
    private static List<string> Arguments(string text)
    {
        var arguments = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (quoted)
            {
                continue;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && depth-- == 0)
            {
                arguments.Add(text[start..i].Trim());
                return arguments;
            }
            else if (c == ',' && depth == 0)
            {
                arguments.Add(text[start..i].Trim());
                start = i + 1;
            }
        }

        throw new InvalidOperationException("unbalanced ARM expression: " + text);
    }
}
