using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

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
    public void The_plan_is_flex_consumption_on_linux_running_the_custom_handler()
    {
        var plan = Assert.Single(Resources("Microsoft.Web/serverfarms"));
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.True((bool?)plan["properties"]!["reserved"]);

        var site = Assert.Single(Resources("Microsoft.Web/sites"));
        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        Assert.Equal("custom", (string?)site["properties"]!["functionAppConfig"]!["runtime"]!["name"]);
        Assert.Equal("SystemAssignedIdentity", (string?)site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]);
    }

    [Fact]
    public void The_site_has_a_system_assigned_identity_https_only_tls_12_and_no_ftp()
    {
        var site = Assert.Single(Resources("Microsoft.Web/sites"));
        var properties = site["properties"]!;

        Assert.Equal("SystemAssigned", (string?)site["identity"]!["type"]);
        Assert.True((bool?)properties["httpsOnly"]);
        Assert.Equal("1.2", (string?)properties["siteConfig"]!["minTlsVersion"]);
        Assert.Equal("Disabled", (string?)properties["siteConfig"]!["ftpsState"]);
        Assert.All(Resources("Microsoft.Web/sites/basicPublishingCredentialsPolicies"), p => Assert.False((bool?)p["properties"]!["allow"]));
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

    [Theory]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Storage Blob Data Owner")]
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Storage Queue Data Contributor")]
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Storage Table Data Contributor")]
    [InlineData("12cf5a90-567b-43ae-8102-96cf46c7d9b4", "Web PubSub Service Owner")]
    public void The_app_identity_gets_each_role(string roleId, string role)
    {
        // infra.bicep names the role ids once, in variables.roles; each assignment refers to its entry.
        var key = _template["variables"]!["roles"]!.AsObject().Single(p => (string?)p.Value == roleId).Key;
        var assignments = Resources("Microsoft.Authorization/roleAssignments").ToList();
        var matching = assignments.Where(a => Text(a).Contains($"variables('roles').{key}", StringComparison.Ordinal)).ToList();

        Assert.True(matching.Count > 0, $"no assignment of {role}");
        Assert.All(matching, a =>
        {
            var principal = (string?)a["properties"]!["principalId"];
            Assert.Contains("identity.principalId", principal, StringComparison.Ordinal);
            Assert.Contains("Microsoft.Web/sites", principal, StringComparison.Ordinal);
            Assert.Equal("ServicePrincipal", (string?)a["properties"]!["principalType"]);
        });
    }

    [Fact]
    public void Secure_parameters_have_no_default_and_no_output_carries_a_secret()
    {
        var parameters = _template["parameters"]!.AsObject();
        var secure = parameters.Where(p => ((string?)p.Value!["type"])?.StartsWith("secure", StringComparison.Ordinal) == true).Select(p => p.Key).ToList();

        Assert.Contains("relayToken", secure);
        Assert.Contains("sourceSecrets", secure);
        Assert.Contains("telegram", secure);
        Assert.All(secure, name => Assert.Null(parameters[name]!["defaultValue"]));
        foreach (var (name, output) in _template["outputs"]!.AsObject())
        {
            var value = Text(output!["value"]!);
            Assert.All(secure, s => Assert.DoesNotContain($"parameters('{s}')", value, StringComparison.Ordinal));
            Assert.DoesNotContain("listKeys", value, StringComparison.Ordinal);
            Assert.DoesNotContain("ConnectionString", value, StringComparison.Ordinal);
            Assert.DoesNotContain("Secret", name, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void The_outputs_tell_how_to_wire_everything()
    {
        var outputs = _template["outputs"]!.AsObject();

        Assert.All(["baseUrl", "functionAppName", "webhookUrlPattern", "negotiateUrl", "relayCommand"], o => Assert.True(outputs.ContainsKey(o), o));
        // ARM format() doubles literal braces.
        Assert.Contains("/api/hooks/{{source}}/{{channel}}", (string?)outputs["webhookUrlPattern"]!["value"], StringComparison.Ordinal);
    }

    [Fact]
    public void App_settings_wire_storage_web_pubsub_and_the_secrets()
    {
        var settings = Text(Assert.Single(Resources("Microsoft.Web/sites/config"))["properties"]!);

        Assert.Contains("AzureWebJobsStorage__accountName", settings, StringComparison.Ordinal);
        Assert.Contains("Storage__ServiceUri", settings, StringComparison.Ordinal);
        Assert.Contains("WebPubSub__Endpoint", settings, StringComparison.Ordinal);
        Assert.Contains("Relay__Tokens__0__Secret", settings, StringComparison.Ordinal);
        Assert.Contains("Relay__Tokens__0__Channels", settings, StringComparison.Ordinal);
        // Secret settings come from the secure parameters, through variables merged into the app settings.
        Assert.Contains("parameters('sourceSecrets')", Text(_template), StringComparison.Ordinal);
        Assert.Contains("Sources__", Text(_template), StringComparison.Ordinal);
        Assert.Contains("Telegram__BotToken", Text(_template), StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", settings, StringComparison.Ordinal);
    }
}
