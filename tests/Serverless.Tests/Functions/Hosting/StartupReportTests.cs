using Serverless.Testing;

namespace Serverless.Tests.Functions.Hosting;

/// <summary>What start-up says, as the README's "The two commands" promises: the inbox in use, and on the local default the secrets in effect.</summary>
public sealed class StartupReportTests
{
    private static async Task<List<string>> StartupLinesAsync(Dictionary<string, string?> settings)
    {
        var lines = new List<string>();
        await using (await RunningFunctionsApp.StartAsync(settings, logLines: lines))
        {
        }

        lock (lines)
        {
            return [.. lines];
        }
    }

    [Fact]
    public async Task The_in_memory_inbox_is_announced_as_not_durable_with_the_development_secrets_and_the_embedded_connection_string()
    {
        var lines = await StartupLinesAsync(new() { ["WebPubSub:EmbeddedAccessKey"] = "startup-report-key-0123456" });

        Assert.Contains(lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("NOT durable", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("relay token 'dev-relay-token' is accepted", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("generic webhook token 'dev-webhook-token' is accepted", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("AccessKey=startup-report-key-0123456;Version=1.0;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_local_default_says_where_it_listens_and_not_the_hosts_production_environment()
    {
        var lines = await StartupLinesAsync([]);

        Assert.Contains(lines, l => l.Contains("Local default: listening on http://127.0.0.1:", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Hosting environment", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Secrets_of_ones_own_are_not_announced_and_the_emulator_inbox_is_named()
    {
        var lines = await StartupLinesAsync(new()
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Sources:generic:Secret"] = "my-own-generic-token-0123",
            ["Relay:Tokens:0:Secret"] = "my-own-relay-token-0123456",
            ["Relay:Tokens:0:Channels"] = "*",
        });

        Assert.Contains(lines, l => l.Contains("Inbox: Storage Queues on the storage emulator", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("NOT durable", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("is accepted", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("my-own-", StringComparison.Ordinal));
    }
}
