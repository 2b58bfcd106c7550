using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using Serverless.Functions.Relay;
using Serverless.Testing;

namespace Serverless.Tests.Deployment;

/// <summary>
/// azure.yaml and infra.parameters.json against what azd does with them (azd's own source, Azure/azure-dev
/// cli/azd/pkg/infra/provisioning/bicep/bicep_provider.go): the infra module is &lt;path&gt;/&lt;module&gt;.bicep with
/// &lt;module&gt;.parameters.json beside it; a parameter mapped to an unset ${VAR} is left out, so its default applies or
/// azd asks for it; a string parameter with azd "generate" metadata is generated once and kept.
/// </summary>
public sealed partial class AzdTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    private static readonly string Root = Repository.Root;

    // Values azd resolves itself on every provision, whatever the environment holds.
    private static readonly string[] AzdResolved = ["AZURE_PRINCIPAL_ID", "AZURE_PRINCIPAL_TYPE"];

    private readonly JsonObject _template = infra.Template;

    private static Dictionary<string, object> AzureYaml => TinyYaml.Parse(File.ReadAllText(Path.Combine(Root, "azure.yaml")));

    private static Dictionary<string, object> Map(Dictionary<string, object> map, string key) =>
        Assert.IsType<Dictionary<string, object>>(map[key]);

    private static string Scalar(Dictionary<string, object> map, string key) =>
        Assert.IsType<string>(map[key]);

    private static string InfraPath
    {
        get
        {
            var infraSection = Map(AzureYaml, "infra");
            return Path.GetFullPath(Path.Combine(Root, Scalar(infraSection, "path")));
        }
    }

    private static string Module => Scalar(Map(AzureYaml, "infra"), "module");

    private static JsonObject ParameterFile =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(InfraPath, Module + ".parameters.json")))!["parameters"]!.AsObject();

    private JsonObject TemplateParameters => _template["parameters"]!.AsObject();

    [Fact]
    public void Azure_yaml_names_one_dotnet_function_service_whose_project_exists()
    {
        var services = Map(AzureYaml, "services");
        var (name, value) = Assert.Single(services);
        var service = Assert.IsType<Dictionary<string, object>>(value);

        Assert.Equal("functions", name);
        Assert.Equal("function", Scalar(service, "host"));
        Assert.Equal("dotnet", Scalar(service, "language"));
        var project = Path.GetFullPath(Path.Combine(Root, Scalar(service, "project")));
        Assert.Equal(Path.Combine(Root, "functions"), project);
        // azd publishes the one project file it finds there.
        Assert.Single(Directory.GetFiles(project, "*.csproj"));
    }

    [Fact]
    public void Azure_yaml_points_azd_at_infra_bicep_at_the_repository_root()
    {
        var infraSection = Map(AzureYaml, "infra");

        Assert.Equal("bicep", Scalar(infraSection, "provider"));
        Assert.Equal(Path.Combine(Root, "infra.bicep"), Path.Combine(InfraPath, Module + ".bicep"));
        Assert.True(File.Exists(Path.Combine(InfraPath, Module + ".bicep")));
        Assert.True(File.Exists(Path.Combine(InfraPath, Module + ".parameters.json")));
        // azd prefers <module>.bicepparam over <module>.bicep and would then ignore the parameters file.
        Assert.False(File.Exists(Path.Combine(InfraPath, Module + ".bicepparam")));
    }

    [Fact]
    public void Azure_yaml_asks_for_an_azd_that_reads_object_parameters_from_the_environment()
    {
        // azd 1.23.4 (Azure/azure-dev#6694) parses a "${VAR}" object parameter as JSON; older ones cannot pass
        // SOURCE_SECRETS, TELEGRAM, DISCORD, RELAY_TOKENS or APP_SETTINGS.
        Assert.Equal(">= 1.23.4", Scalar(Map(AzureYaml, "requiredVersions"), "azd"));
    }

    [Fact]
    public void The_parameters_file_names_only_parameters_infra_bicep_has()
    {
        Assert.All(ParameterFile.Select(p => p.Key), name => Assert.True(TemplateParameters.ContainsKey(name), name));
    }

    [Fact]
    public void Every_required_non_secret_parameter_is_supplied_by_the_parameters_file()
    {
        var required = TemplateParameters
            .Where(p => p.Value!["defaultValue"] is null && !IsSecure(p.Value!))
            .Select(p => p.Key);

        Assert.All(required, name => Assert.True(ParameterFile.ContainsKey(name), name));
    }

    [Fact]
    public void Azd_never_has_to_ask_for_a_value_it_cannot_take()
    {
        foreach (var (name, definition) in TemplateParameters)
        {
            var supplied = ParameterFile[name]?["value"];
            var variables = supplied is JsonValue text && text.TryGetValue(out string? value) ? EnvReference().Matches(value).Select(m => m.Groups[1].Value).ToList() : [];
            var alwaysSupplied = supplied is not null && variables.All(v => AzdResolved.Contains(v));
            if (alwaysSupplied || definition!["defaultValue"] is not null)
            {
                continue;
            }

            // Left to the environment, or not in the file: azd generates it or asks for it. It can ask for a string
            // (location included) but cannot keep an object it asked for as a secret, so objects need a default.
            var type = (string)definition!["type"]!;
            Assert.True(type is "string" or "securestring", $"{name} ({type}) has no default; azd would have to ask for it");
            if (IsSecure(definition))
            {
                Assert.Equal("generate", (string?)definition["metadata"]?["azd"]?["type"]);
            }
        }
    }

    [Fact]
    public void Azd_generates_a_relay_token_the_app_accepts_and_a_shell_can_hold()
    {
        var relayToken = TemplateParameters["relayToken"]!;
        var generate = relayToken["metadata"]!["azd"]!;

        Assert.Equal("generate", (string?)generate["type"]);
        var length = (int)generate["config"]!["length"]!;
        Assert.True(length >= (int)relayToken["minLength"]!);
        Assert.True(length >= RelayOptionsSetup.MinimumTokenLength);
        // Letters and digits only: the token goes into shell commands, JSON and .mcp.json.
        Assert.True((bool)generate["config"]!["noSpecial"]!);
        // azd's $(secretOrRandomPassword) makes 15 characters, fewer than the app accepts: not used.
        Assert.DoesNotContain("secretOrRandomPassword", File.ReadAllText(Path.Combine(InfraPath, Module + ".parameters.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_deploy_page_names_every_environment_value_the_parameters_file_reads()
    {
        // The deployment has a page of its own (the README links to it), so the whole page is the section.
        var section = File.ReadAllText(Path.Combine(Root, "docs", "deploying.md"));
        var variables = ParameterFile.Select(p => (string?)p.Value!["value"]).SelectMany(v => EnvReference().Matches(v ?? string.Empty)).Select(m => m.Groups[1].Value).Except(AzdResolved);

        Assert.All(variables, v => Assert.Contains($"`{v}`", section, StringComparison.Ordinal));
        Assert.Contains("azd up", section, StringComparison.Ordinal);
        Assert.Contains("az deployment group create", section, StringComparison.Ordinal);
        Assert.Contains("Role Based Access Control Administrator", section, StringComparison.Ordinal);
        Assert.Contains("403", section, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hooks_run_in_posix_sh_and_pwsh_and_read_only_outputs_the_template_has()
    {
        var hooks = Map(AzureYaml, "hooks");
        var outputs = _template["outputs"]!.AsObject();

        foreach (var (_, value) in hooks)
        {
            var hook = Assert.IsType<Dictionary<string, object>>(value);
            Assert.Equal("sh", Scalar(Map(hook, "posix"), "shell"));
            Assert.Equal("pwsh", Scalar(Map(hook, "windows"), "shell"));
            var scripts = Scalar(Map(hook, "posix"), "run") + Scalar(Map(hook, "windows"), "run");
            // Lower-case names are the template's outputs, which azd puts in the environment; upper-case ones
            // belong to the hooks themselves.
            var read = HookVariable().Matches(scripts).Select(m => m.Groups[1].Value).Where(n => char.IsLower(n[0])).Distinct();
            Assert.All(read, name => Assert.True(outputs.ContainsKey(name), name));
        }

        var postdeploy = Scalar(Map(Map(hooks, "postdeploy"), "posix"), "run") + Scalar(Map(Map(hooks, "postdeploy"), "windows"), "run");
        Assert.All(["baseUrl", "webhookUrls", "telegramWebhookUrl", "discordInteractionsUrl", "relayTokenCommand", "keyVaultName"], o => Assert.Contains(o, postdeploy, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_posix_postdeploy_hook_prints_each_webhook_url_and_the_relay_command()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var hooks = Map(AzureYaml, "hooks");
        // As azd runs an inline sh hook: the script after "#!/bin/sh" and "set -e", the environment's values
        // (here, outputs as azd writes them, objects as JSON) in its environment.
        var script = "set -e\n" + Scalar(Map(Map(hooks, "postdeploy"), "posix"), "run");
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        const string Base = "https://channels-abc.azurewebsites.net";
        var urls = new JsonObject { ["github"] = $"{Base}/api/hooks/github/CHANNEL", ["generic"] = $"{Base}/api/hooks/generic/CHANNEL" };
        start.Environment["baseUrl"] = Base;
        start.Environment["webhookUrls"] = urls.ToJsonString();
        start.Environment["telegramWebhookUrl"] = $"{Base}/api/telegram";
        start.Environment["discordInteractionsUrl"] = $"{Base}/api/discord/interactions";
        start.Environment["keyVaultName"] = "kvchannelsabc";
        start.Environment["relayTokenCommand"] = "az keyvault secret show --vault-name kvchannelsabc --name relay-token --query value --output tsv";
        start.Environment["relayCommand"] = "RELAY_TOKEN=\"$(az keyvault secret show --vault-name kvchannelsabc)\" relay init --url " + Base;

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(process.ExitCode == 0, error);
        Assert.Contains($"  github: {Base}/api/hooks/github/CHANNEL\n", output, StringComparison.Ordinal);
        Assert.Contains($"  generic: {Base}/api/hooks/generic/CHANNEL\n", output, StringComparison.Ordinal);
        Assert.Contains($"{Base}/api/telegram", output, StringComparison.Ordinal);
        Assert.Contains($"Discord Interactions Endpoint URL: {Base}/api/discord/interactions", output, StringComparison.Ordinal);
        // Printed as it is, not run: the token itself never appears.
        Assert.Contains("RELAY_TOKEN=\"$(az keyvault secret show --vault-name kvchannelsabc)\" relay init --url " + Base, output, StringComparison.Ordinal);
        Assert.Contains("az keyvault secret show --vault-name kvchannelsabc --name relay-token --query value --output tsv", output, StringComparison.Ordinal);
    }

    private static bool IsSecure(JsonNode definition) =>
        ((string?)definition["type"])!.StartsWith("secure", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex EnvReference();

    // ${name} and $env:name.
    [GeneratedRegex(@"\$(?:\{|env:)([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex HookVariable();
}

/// <summary>
/// Reads the block-style YAML subset azure.yaml is written in: nested maps of plain or quoted scalars, comments,
/// and literal block scalars (kept as text). Anything else (lists, flow collections, anchors, tabs) is refused, so a
/// test never passes on a file it misread.
/// </summary>
internal static class TinyYaml
{
    public static Dictionary<string, object> Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var index = 0;
        var map = ReadMap(lines, ref index, 0);
        SkipBlank(lines, ref index);
        return index == lines.Length ? map : throw new FormatException($"line {index + 1}: unexpected indentation");
    }

    private static Dictionary<string, object> ReadMap(string[] lines, ref int index, int indent)
    {
        var map = new Dictionary<string, object>(StringComparer.Ordinal);
        while (true)
        {
            SkipBlank(lines, ref index);
            if (index == lines.Length || Indent(lines[index]) < indent)
            {
                return map;
            }

            var line = lines[index];
            if (Indent(line) > indent || line.Contains('\t', StringComparison.Ordinal))
            {
                throw new FormatException($"line {index + 1}: unexpected indentation");
            }

            var content = line.Trim();
            var colon = content.IndexOf(':', StringComparison.Ordinal);
            if (content.StartsWith('-') || colon <= 0 || (colon + 1 < content.Length && content[colon + 1] != ' '))
            {
                throw new FormatException($"line {index + 1}: not a 'key: value' line");
            }

            var key = content[..colon];
            var rest = WithoutComment(content[(colon + 1)..].Trim());
            index++;
            object value;
            if (rest is "|" or "|-")
            {
                value = ReadBlock(lines, ref index, indent);
            }
            else if (rest.Length == 0)
            {
                SkipBlank(lines, ref index);
                value = index < lines.Length && Indent(lines[index]) > indent ? ReadMap(lines, ref index, Indent(lines[index])) : string.Empty;
            }
            else if (rest[0] is '[' or '{' or '&' or '*' or '>' or '!' or '|')
            {
                throw new FormatException($"line {index}: unsupported YAML '{rest}'");
            }
            else
            {
                value = Unquote(rest, index);
            }

            if (!map.TryAdd(key, value))
            {
                throw new FormatException($"line {index}: duplicate key '{key}'");
            }
        }
    }

    private static string ReadBlock(string[] lines, ref int index, int parentIndent)
    {
        var block = new List<string>();
        var blockIndent = -1;
        while (index < lines.Length && (lines[index].Trim().Length == 0 || Indent(lines[index]) > parentIndent))
        {
            var line = lines[index++];
            if (line.Trim().Length > 0 && blockIndent < 0)
            {
                blockIndent = Indent(line);
            }

            block.Add(line.Trim().Length == 0 ? string.Empty : line[Math.Min(blockIndent, Indent(line))..]);
        }

        return string.Join('\n', block).TrimEnd('\n') + "\n";
    }

    private static string WithoutComment(string value)
    {
        if (value.StartsWith('"') || value.StartsWith('\''))
        {
            var end = value.IndexOf(value[0], 1);
            return end < 0 ? value : value[..(end + 1)] + WithoutComment(value[(end + 1)..]).TrimEnd();
        }

        var hash = value.IndexOf(" #", StringComparison.Ordinal);
        return (value.StartsWith('#') ? string.Empty : hash < 0 ? value : value[..hash]).Trim();
    }

    private static string Unquote(string value, int line) =>
        value.Length >= 2 && (value[0] is '"' or '\'') && value[^1] == value[0]
            ? value[1..^1]
            : value[0] is '"' or '\'' ? throw new FormatException($"line {line}: unterminated quote") : value;

    private static void SkipBlank(string[] lines, ref int index)
    {
        while (index < lines.Length && (lines[index].Trim().Length == 0 || lines[index].TrimStart().StartsWith('#')))
        {
            index++;
        }
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;
}
