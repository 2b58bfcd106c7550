using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Moq;
using Serverless.Contracts;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;

namespace Serverless.Tests.Relay.Channel;

public class PermissionCapabilityTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly Mock<IChatApi> _api = new();
    private readonly StringWriter _stderr = new();

    private PermissionCapability Ask(Task<CapabilitiesResponse> answer)
    {
        _api.Setup(a => a.CapabilitiesAsync(It.IsAny<CancellationToken>())).Returns(answer);
        return PermissionCapability.Ask(_api.Object, _clock, _stderr, CancellationToken.None);
    }

    private static JsonRpcResponse InitializeAnswer() => new()
    {
        Id = new RequestId(1),
        Result = JsonNode.Parse("""{"protocolVersion":"2025-11-25","capabilities":{"experimental":{"claude/channel":{}}},"serverInfo":{"name":"relay","version":"0.3.0"}}"""),
    };

    private static async Task<JsonNode?> SendThroughAsync(PermissionCapability capability, JsonRpcMessage message)
    {
        JsonRpcMessage? sent = null;
        var handler = capability.OutgoingFilter((context, _) =>
        {
            sent = context.JsonRpcMessage;
            return Task.CompletedTask;
        });
        await handler(new MessageContext(new Mock<McpServer>().Object, message), CancellationToken.None);
        return (sent as JsonRpcResponse)?.Result;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_initialize_answer_declares_permission_relay_exactly_when_the_app_says_a_paired_chat_can_answer(bool available)
    {
        var capability = Ask(Task.FromResult(new CapabilitiesResponse(Telegram: true, PermissionRelay: available)));

        var result = await SendThroughAsync(capability, InitializeAnswer());

        Assert.Equal(available, result!["capabilities"]!["experimental"]!.AsObject().ContainsKey(PermissionCapability.Name));
        Assert.NotNull(result["capabilities"]!["experimental"]!["claude/channel"]);
        Assert.Equal(available, capability.Declared);
    }

    [Fact]
    public async Task Other_answers_pass_unchanged()
    {
        var capability = Ask(Task.FromResult(new CapabilitiesResponse(Telegram: true, PermissionRelay: true)));

        var result = await SendThroughAsync(capability, new JsonRpcResponse { Id = new RequestId(2), Result = JsonNode.Parse("""{"tools":[]}""") });

        Assert.Equal("""{"tools":[]}""", result!.ToJsonString());
    }

    [Fact]
    public async Task An_app_that_answers_yes_after_the_budget_leaves_permission_relay_off_and_says_so_once()
    {
        var never = new TaskCompletionSource<CapabilitiesResponse>();
        var capability = Ask(never.Task);

        var deciding = capability.DecideAsync(CancellationToken.None).AsTask();
        _clock.Advance(PermissionCapability.Budget - TimeSpan.FromMilliseconds(1));
        Assert.False(deciding.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(await deciding.WaitAsync(TimeSpan.FromSeconds(10)));
        // A late yes does not change what the session was told.
        never.SetResult(new CapabilitiesResponse(Telegram: true, PermissionRelay: true));
        Assert.False(await capability.DecideAsync(CancellationToken.None));
        Assert.False(capability.Declared);
        // Said when the late answer came, since only then does the relay know it mattered.
        await capability.Settled;
        Assert.Equal(
            "relay: the function app said only after 1 s that a paired chat can answer tool-use requests; permission relay is off for this session (reconnect with /mcp to ask again).",
            _stderr.ToString().Trim());
    }

    [Fact]
    public async Task An_app_that_fails_leaves_permission_relay_off_without_waiting_for_the_budget()
    {
        var capability = Ask(Task.FromException<CapabilitiesResponse>(new HttpRequestException("connection refused")));

        Assert.False(await capability.DecideAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("connection refused", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_after_the_budget_ran_out_adds_nothing_to_stderr()
    {
        var late = new TaskCompletionSource<CapabilitiesResponse>();
        var capability = Ask(late.Task);
        _clock.Advance(PermissionCapability.Budget);
        Assert.False(await capability.DecideAsync(CancellationToken.None));

        late.SetException(new HttpRequestException("timed out"));
        await capability.Settled;

        // The relay's own connection errors tell that story; a slow app with no answer is no news about permission relay.
        Assert.Equal(string.Empty, _stderr.ToString());
    }

    [Fact]
    public async Task A_user_with_no_chat_service_hears_nothing_about_permission_relay()
    {
        var capability = Ask(Task.FromResult(new CapabilitiesResponse(Telegram: false, PermissionRelay: false) { Transports = [] }));

        Assert.False(await capability.DecideAsync(CancellationToken.None));
        Assert.Equal(string.Empty, _stderr.ToString());
    }

    [Fact]
    public async Task A_chat_service_configured_but_no_chat_paired_says_which_services_and_how_to_pair()
    {
        var capability = Ask(Task.FromResult(new CapabilitiesResponse(Telegram: true, PermissionRelay: false) { Transports = ["telegram", "slack"] }));

        Assert.False(await capability.DecideAsync(CancellationToken.None));
        Assert.Equal(
            "relay: permission relay is off for this session: Telegram and Slack are configured on the function app, but no chat is paired with this channel (pair one with relay pair CODE, then reconnect with /mcp).",
            _stderr.ToString().Trim());
    }

    [Fact]
    public async Task A_paired_chat_says_nothing_on_stderr()
    {
        var capability = Ask(Task.FromResult(new CapabilitiesResponse(Telegram: false, PermissionRelay: true) { Transports = ["discord"] }));

        Assert.True(await capability.DecideAsync(CancellationToken.None));
        Assert.Equal(string.Empty, _stderr.ToString());
    }

    [Fact]
    public async Task An_app_that_cannot_be_asked_is_named_as_permission_relay_not_as_telegram()
    {
        var capability = Ask(Task.FromException<CapabilitiesResponse>(new HttpRequestException("connection refused")));

        Assert.False(await capability.DecideAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(
            "relay: could not ask the function app whether a paired chat can answer tool-use requests (connection refused); permission relay is off for this session (reconnect with /mcp to ask again).",
            _stderr.ToString().Trim());
    }

    [Fact]
    public async Task A_slow_app_with_no_chat_service_says_nothing()
    {
        var late = new TaskCompletionSource<CapabilitiesResponse>();
        var capability = Ask(late.Task);
        _clock.Advance(PermissionCapability.Budget);
        Assert.False(await capability.DecideAsync(CancellationToken.None));

        late.SetResult(new CapabilitiesResponse(Telegram: false, PermissionRelay: false) { Transports = [] });
        await capability.Settled;

        Assert.Equal(string.Empty, _stderr.ToString());
    }
}
