using System.Diagnostics;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>The README's quick install: <c>dotnet pack relay -p:RelayNativeAot=false</c>, then <c>dotnet tool install</c> into a tool path of its own.</summary>
public sealed class InstalledFrameworkDependentRelayTool : IAsyncLifetime
{
    public string Work { get; } = Directory.CreateTempSubdirectory("relay-tool-jit").FullName;

    public string Packages => Path.Combine(Work, "packages");

    public string ToolPath => Path.Combine(Work, "tools");

    public string Command => Path.Combine(ToolPath, OperatingSystem.IsWindows() ? "relay.exe" : "relay");

    public async Task InitializeAsync()
    {
        await InstalledRelayTool.RunAsync(
            "dotnet", "pack", Path.Combine(Repository.Root, "relay"), "-p:RelayNativeAot=false", "-o", Packages, "--artifacts-path", Path.Combine(Work, "artifacts"));
        await InstalledRelayTool.RunAsync(
            "dotnet", "tool", "install", "Serverless.Relay", "--version", InstalledRelayTool.Version, "--tool-path", ToolPath, "--add-source", Packages, "--ignore-failed-sources");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Work, recursive: true);
        return Task.CompletedTask;
    }
}

[Collection(RunsAlone.Name)]
public sealed class FrameworkDependentRelayToolTests(InstalledFrameworkDependentRelayTool tool) : IClassFixture<InstalledFrameworkDependentRelayTool>
{
    [Fact]
    public void The_quick_pack_is_one_framework_dependent_tool_package_without_a_native_build()
    {
        Assert.Equal([$"Serverless.Relay.{InstalledRelayTool.Version}.nupkg"], Directory.GetFiles(tool.Packages, "*.nupkg").Select(Path.GetFileName));
        var target = new FileInfo(tool.Command).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? tool.Command;
        Assert.Single(Directory.GetFiles(Path.Combine(tool.ToolPath, ".store"), "relay.dll", SearchOption.AllDirectories));
        Assert.True(File.Exists(target));
    }

    [Fact]
    public async Task The_quickly_installed_command_delivers_an_event_to_the_session()
    {
        await using var app = await RunningFunctionsApp.StartAsync();
        var start = new ProcessStartInfo(tool.Command, ["--url", app.BaseUrl.ToString(), "--channel", "quick", "--state-file", RelayProcess.NewStateFile()]);
        start.Environment["RELAY_TOKEN"] = "dev-relay-token";
        await using var relay = RawStdioClient.Start(start);

        await relay.SendAsync(ClaudeCodeHandshakeTests.DiscoverProbe);
        await relay.SendAsync(ClaudeCodeHandshakeTests.Initialize);
        var initialize = await relay.ResponseAsync("0", TimeSpan.FromSeconds(30));
        Assert.NotNull(initialize["result"]!["capabilities"]!["experimental"]!["claude/channel"]);
        await relay.SendAsync(ClaudeCodeHandshakeTests.Initialized);

        using var http = app.CreateClient();
        var id = await Webhook.PostAcceptedAsync(http, "quick", new { title = "from the quick install" });
        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications(RelayProcess.ChannelMethod).Count >= 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        Assert.Equal(id, (string?)relay.Notifications(RelayProcess.ChannelMethod)[0]["params"]!["meta"]!["event_id"]);
        Assert.Empty(relay.Unparsed);
    }
}
