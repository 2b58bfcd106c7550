using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using Serverless.Functions.Inbox;
using Serverless.Testing;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// Discord end to end: interactions signed with the test's own Ed25519 key pair, the function app, a fake of
/// Discord's REST API on 127.0.0.1, and the relay as Claude Code runs it.
/// </summary>
public sealed partial class DiscordTests : IAsyncLifetime
{
    private const string BotToken = "MTA.discord-e2e.bot-token";
    private const string RelayToken = "discord-tests-relay-token-0123";
    private const string Owner = "42";
    private const string OwnerChat = "discord:@42";
    private readonly DiscordSigner _signer = new();
    private FakeDiscordApi _discord = null!;
    private RunningFunctionsApp _app = null!;
    private HttpClient _http = null!;
    private long _interactionId = 1_200_000_000_000_000_000;

    public async Task InitializeAsync()
    {
        _discord = await FakeDiscordApi.StartAsync(BotToken);
        _app = await RunningFunctionsApp.StartAsync(DiscordPayloads.AppSettings(_signer, _discord, BotToken, RelayToken));
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _discord.DisposeAsync();
        _signer.Dispose();
    }

    private EmbeddedEventInbox Inbox => _app.Services.GetRequiredService<EmbeddedEventInbox>();

    private string NextId() => Interlocked.Increment(ref _interactionId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Posts a signed interaction; returns the status and, for a message answer, its content and flags.</summary>
    private async Task<(HttpStatusCode Status, string? Content, int? Flags)> InteractAsync(JsonObject interaction)
    {
        using var request = _signer.Request(interaction.ToJsonString(), DateTimeOffset.UtcNow);
        using var response = await _http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, (string?)body?["data"]?["content"], (int?)body?["data"]?["flags"]);
    }

    private Task<(HttpStatusCode Status, string? Content, int? Flags)> CommandAsync(string text, string user = Owner, string? guild = null, string channel = "500", string? id = null) =>
        InteractAsync(DiscordPayloads.Command(text, guild, user, channel, id ?? NextId()));

    private static string Text(CallToolResult result) => string.Join('\n', result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private Task<(int ExitCode, string Stdout, string Stderr)> RelayAsync(params string[] arguments) =>
        RelayProcess.RunCommandWithTokenAsync(RelayToken, _app.BaseUrl, "default", arguments);

    [Fact]
    public async Task A_command_reaches_the_session_and_the_reply_reaches_the_direct_messages()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);

        var (status, content, flags) = await CommandAsync("the deploy failed, look at it");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(64, flags);
        Assert.Contains("Sent to the Claude Code session", content, StringComparison.Ordinal);
        Assert.True(await RelayProcess.EventuallyAsync(() => relay.Notifications.Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        var notification = relay.Notifications.Single();
        var meta = notification["meta"]!;
        Assert.Equal("the deploy failed, look at it", (string?)notification["content"]);
        Assert.Equal(OwnerChat, (string?)meta["chat_id"]);
        // The snowflake is the identity; the username, which its owner can change, travels beside it.
        Assert.Equal((Owner, "ann"), ((string?)meta["user"], (string?)meta["user_name"]));
        Assert.Equal("discord", (string?)meta["kind"]);
        Assert.Equal("allowlisted", (string?)meta["trust"]);

        var result = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = OwnerChat, ["text"] = "On it." });

        Assert.NotEqual(true, result.IsError);
        var sent = Assert.Single(_discord.Messages(FakeDiscordApi.DirectChannelOf(Owner)));
        Assert.Equal("On it.", (string?)sent["content"]);
        Assert.Empty(sent["allowed_mentions"]!["parse"]!.AsArray());
    }

    [Fact]
    public async Task A_long_reply_arrives_as_ordered_parts_of_at_most_2000_characters_and_a_429_is_waited_out()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        var paragraphs = Enumerable.Range(0, 20).Select(i => $"Paragraph {i:00}: " + new string((char)('a' + (i % 26)), 280)).ToList();
        var text = string.Join("\n\n", paragraphs);
        Assert.InRange(text.Length, 5500, 6500);
        // The direct message channel is opened first; the first message after it is refused once.
        await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = OwnerChat, ["text"] = "warm-up" });
        _discord.RateLimitOnce(retryAfterSeconds: 1.5);

        var result = await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = OwnerChat, ["text"] = text });

        Assert.NotEqual(true, result.IsError);
        var calls = _discord.Calls.Where(c => c.Path == $"channels/{FakeDiscordApi.DirectChannelOf(Owner)}/messages").Skip(1).ToList();
        Assert.Equal(5, calls.Count);
        Assert.Equal(calls[0].Body!.ToJsonString(), calls[1].Body!.ToJsonString());
        var parts = calls.Skip(1).Select(c => (string)c.Body!["content"]!).ToList();
        Assert.All(parts, p => Assert.InRange(p.Length, 1, 2000));
        Assert.Equal(text, string.Join("\n\n", parts));
    }

    [Fact]
    public async Task React_and_edit_message_reach_discord_for_the_bots_own_message()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        await relay.Client.CallToolAsync("reply", new Dictionary<string, object?> { ["chat_id"] = "discord:500", ["text"] = "Build 1 of 3 done" });
        var messageId = _discord.MessageIds("500").Single();

        var react = await relay.Client.CallToolAsync("react", new Dictionary<string, object?> { ["chat_id"] = "discord:500", ["message_id"] = messageId, ["emoji"] = "👀" });
        var edit = await relay.Client.CallToolAsync("edit_message", new Dictionary<string, object?> { ["chat_id"] = "discord:500", ["message_id"] = messageId, ["text"] = "Build 2 of 3 done" });

        Assert.NotEqual(true, react.IsError);
        Assert.NotEqual(true, edit.IsError);
        Assert.Contains(_discord.Calls, c => c.Method == "PUT" && c.Path == $"channels/500/messages/{messageId}/reactions/👀/@me");
        var patch = Assert.Single(_discord.Calls, c => c.Method == "PATCH");
        Assert.Equal($"channels/500/messages/{messageId}", patch.Path);
        Assert.Equal("Build 2 of 3 done", (string?)patch.Body!["content"]);
    }

    [Fact]
    public async Task A_stranger_gets_a_code_only_they_see_and_reaches_the_session_only_after_relay_pair()
    {
        var (_, content, flags) = await CommandAsync("hi, can you help?", user: "99");

        Assert.Equal(64, flags);
        var code = PairCommand().Match(content ?? string.Empty).Groups[1].Value;
        Assert.Matches("^[A-Z2-9]{6}$", code);
        Assert.Empty(_discord.Calls);
        Assert.Equal(0, Inbox.Count("default"));

        var (exit, stdout, stderr) = await RelayAsync("pair", code);

        Assert.True(exit == 0, stderr);
        Assert.Contains("Paired Discord user 99", stdout, StringComparison.Ordinal);
        Assert.Contains("Paired", (string?)_discord.Messages(FakeDiscordApi.DirectChannelOf("99")).Single()["content"], StringComparison.Ordinal);
        var (_, after, _) = await CommandAsync("now it works", user: "99");
        Assert.Contains("Sent to the Claude Code session", after, StringComparison.Ordinal);
        Assert.Equal(1, Inbox.Count("default"));
    }

    [Fact]
    public async Task In_a_server_channel_only_allowed_channels_reach_the_session_and_a_refusal_is_seen_only_by_the_sender()
    {
        var (_, allowed, _) = await CommandAsync("from the ops channel", guild: "300", channel: "500");
        var (_, other, flags) = await CommandAsync("from another channel", guild: "300", channel: "501");
        var (_, stranger, _) = await CommandAsync("me too", user: "99", guild: "300", channel: "500");

        Assert.Contains("Sent to the Claude Code session", allowed, StringComparison.Ordinal);
        Assert.StartsWith("Not sent: this channel does not talk to a Claude Code session", other, StringComparison.Ordinal);
        Assert.StartsWith("Not sent: you are not allowed", stranger, StringComparison.Ordinal);
        Assert.Equal(64, flags);
        Assert.Equal(1, Inbox.Count("default"));
        Assert.Empty(_discord.Calls);
    }

    [Fact]
    public async Task The_same_interaction_delivered_twice_is_stored_once()
    {
        var id = NextId();

        var first = await CommandAsync("only once", id: id);
        var second = await CommandAsync("only once", id: id);

        Assert.Contains("Sent to the Claude Code session", first.Content, StringComparison.Ordinal);
        Assert.Contains("already handled", second.Content, StringComparison.Ordinal);
        Assert.Equal(1, Inbox.Count("default"));
    }

    [Fact]
    public async Task A_permission_request_is_answered_by_a_paired_user_and_a_strangers_press_changes_nothing()
    {
        // The relay gives the app 1 s at its handshake to say whether a paired chat exists: the app's first
        // answer on this route is warmed up first, so a busy machine does not turn the capability off.
        using (var warm = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/relay/capabilities?channel=default", UriKind.Relative)))
        {
            warm.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", RelayToken);
            using var capabilities = await _http.SendAsync(warm);
            Assert.Contains("\"permission_relay\":true", await capabilities.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        await WebhookToChannelTests.WaitUntilConnectedAsync(relay);
        Assert.True(relay.Client.ServerCapabilities.Experimental!.ContainsKey("claude/channel/permission"), relay.Stderr);

        await relay.Client.SendNotificationAsync("notifications/claude/channel/permission_request", new JsonObject
        {
            ["request_id"] = "abcde",
            ["tool_name"] = "Bash",
            ["description"] = "Run the test suite",
            ["input_preview"] = "dotnet test",
        });

        var ownerChannel = FakeDiscordApi.DirectChannelOf(Owner);
        Assert.True(await RelayProcess.EventuallyAsync(() => _discord.Messages(ownerChannel).Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        var ask = _discord.Messages(ownerChannel).Single();
        Assert.Contains("Bash", (string?)ask["content"], StringComparison.Ordinal);
        var buttons = ask["components"]!.AsArray().SelectMany(row => row!["components"]!.AsArray()).Select(b => (string)b!["custom_id"]!).ToList();
        Assert.Equal(["perm:more:abcde", "perm:allow:abcde", "perm:deny:abcde"], buttons);

        var (strangerStatus, strangerAnswer, strangerFlags) = await InteractAsync(DiscordPayloads.Button("perm:allow:abcde", userId: "99", id: NextId()));

        Assert.Equal(HttpStatusCode.OK, strangerStatus);
        Assert.Equal(64, strangerFlags);
        Assert.Contains("not allowed", strangerAnswer, StringComparison.Ordinal);
        Assert.Empty(relay.PermissionAnswers);
        Assert.DoesNotContain(_discord.Calls, c => c.Method == "PATCH");

        var (_, ownerAnswer, ownerFlags) = await InteractAsync(DiscordPayloads.Button("perm:allow:abcde", userId: Owner, id: NextId()));

        Assert.Equal(64, ownerFlags);
        Assert.Contains("Allowed", ownerAnswer, StringComparison.OrdinalIgnoreCase);
        Assert.True(await RelayProcess.EventuallyAsync(() => relay.PermissionAnswers.Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        var answer = relay.PermissionAnswers.Single();
        Assert.Equal(("abcde", "allow"), ((string?)answer["request_id"], (string?)answer["behavior"]));
        var edit = Assert.Single(_discord.Calls, c => c.Method == "PATCH");
        Assert.Contains("Allowed", (string?)edit.Body!["content"], StringComparison.Ordinal);
        Assert.Empty(edit.Body["components"]!.AsArray());
    }

    [Fact]
    public async Task Ask_user_puts_buttons_in_the_direct_messages_and_a_press_answers_it()
    {
        await using var relay = await RelayProcess.StartAsync(_app.BaseUrl, "default", RelayToken);
        var call = relay.Client.CallToolAsync("ask_user", new Dictionary<string, object?>
        {
            ["question"] = "Roll back or hot-fix?",
            ["options"] = (string[])["Roll back", "Hot-fix"],
            ["chat_id"] = OwnerChat,
        }).AsTask();

        var ownerChannel = FakeDiscordApi.DirectChannelOf(Owner);
        Assert.True(await RelayProcess.EventuallyAsync(() => _discord.Messages(ownerChannel).Count == 1, TimeSpan.FromSeconds(30)), relay.Stderr);
        var asked = _discord.Messages(ownerChannel).Single();
        Assert.Contains("Roll back or hot-fix?", (string?)asked["content"], StringComparison.Ordinal);
        var buttons = asked["components"]!.AsArray().SelectMany(row => row!["components"]!.AsArray()).Select(b => ((string)b!["label"]!, (string)b["custom_id"]!)).ToList();
        Assert.Equal(["Roll back", "Hot-fix"], buttons.Select(b => b.Item1));
        Assert.All(buttons, b => Assert.StartsWith("ask:", b.Item2, StringComparison.Ordinal));

        var (_, stranger, _) = await InteractAsync(DiscordPayloads.Button(buttons[0].Item2, userId: "99", id: NextId()));
        var (_, owner, flags) = await InteractAsync(DiscordPayloads.Button(buttons[1].Item2, userId: Owner, id: NextId()));

        Assert.Contains("not allowed", stranger, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(64, flags);
        Assert.False(string.IsNullOrEmpty(owner));
        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(true, result.IsError);
        Assert.Contains("\"Hot-fix\"", Text(result), StringComparison.Ordinal);
        Assert.True(await RelayProcess.EventuallyAsync(() => _discord.Calls.Any(c => c.Method == "PATCH"), TimeSpan.FromSeconds(30)), relay.Stderr);
        Assert.Empty(_discord.Calls.Single(c => c.Method == "PATCH").Body!["components"]!.AsArray());
    }

    [Fact]
    public async Task Relay_discord_register_registers_the_command_and_prints_the_url_to_paste()
    {
        var (exit, stdout, stderr) = await RelayAsync("discord", "register");

        Assert.True(exit == 0, stderr);
        Assert.Contains("/claude", stdout, StringComparison.Ordinal);
        Assert.Contains($"{_app.BaseUrl.AbsoluteUri.TrimEnd('/')}/api/discord/interactions", stdout, StringComparison.Ordinal);
        Assert.Contains("tunnel", stdout, StringComparison.Ordinal);
        Assert.Single(_discord.Calls, c => c.Method == "PUT" && c.Path == "applications/777/commands");
    }

    [GeneratedRegex(@"relay pair ([A-Z2-9]{6})")]
    private static partial Regex PairCommand();
}
