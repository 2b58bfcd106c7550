using System.Diagnostics;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>The relay's options as a user sets them, on a real relay process.</summary>
public sealed class RelayOptionsTests(LocalDefaultApp local) : IClassFixture<LocalDefaultApp>
{
    [Fact]
    public async Task A_token_file_wins_over_RELAY_TOKEN_and_delivered_ids_go_to_the_default_state_file()
    {
        var folder = Directory.CreateTempSubdirectory("relay-options").FullName;
        var tokenFile = Path.Combine(folder, "token");
        await File.WriteAllTextAsync(tokenFile, "dev-relay-token\n");
        var start = RelayProcess.StartInfo("a-wrong-token-in-the-environment", "--url", local.BaseUrl.ToString(), "--channel", "options", "--token-file", tokenFile);
        start.Environment["XDG_STATE_HOME"] = Path.Combine(folder, "state");
        start.Environment.Remove("RELAY_STATE_FILE");
        await using var relay = RawStdioClient.Start(start);
        await relay.SendAsync(ClaudeCodeHandshakeTests.Initialize);
        await relay.ResponseAsync("0", TimeSpan.FromSeconds(30));
        await relay.SendAsync(ClaudeCodeHandshakeTests.Initialized);

        var id = await Webhook.PostAcceptedAsync(local.Http, "options", new { title = "with the file's token" });

        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications(RelayProcess.ChannelMethod).Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        Assert.DoesNotContain("refused the relay token", relay.Stderr, StringComparison.Ordinal);
        var stateFile = Assert.Single(Directory.GetFiles(Path.Combine(folder, "state", "serverless-relay")));
        Assert.StartsWith("options-", Path.GetFileName(stateFile), StringComparison.Ordinal);
        Assert.Contains(id, await File.ReadAllTextAsync(stateFile), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--visibility-timeout", "2")]
    [InlineData("--poll-interval", "0")]
    [InlineData("--channel", "Not_A_Channel")]
    [InlineData("--url", "ftp://example.invalid")]
    public async Task An_option_out_of_range_stops_the_relay_with_status_2_and_says_why_on_stderr(string option, string value)
    {
        using var process = Process.Start(RelayProcess.StartInfo("dev-relay-token", option, value))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(option, await stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await stdout);
    }
}
