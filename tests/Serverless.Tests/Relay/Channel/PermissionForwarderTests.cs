using System.Text.Json.Nodes;
using Moq;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;
using Serverless.Testing;

namespace Serverless.Tests.Relay.Channel;

public class PermissionForwarderTests
{
    private readonly Mock<IChatApi> _chat = new();

    [Theory]
    [InlineData("abcde", true)]
    [InlineData("zzzzz", true)]
    [InlineData("abcdl", false)]
    [InlineData("ABCDE", false)]
    [InlineData("abcd", false)]
    [InlineData("abcdef", false)]
    [InlineData("abcd1", false)]
    [InlineData("abcde\n", false)]
    [InlineData(null, false)]
    public void Request_ids_are_five_letters_a_to_z_without_l(string? requestId, bool valid)
    {
        Assert.Equal(valid, PermissionRequestId.IsValid(requestId));
    }

    [Fact]
    public async Task A_request_with_fields_Claude_Code_added_later_is_still_forwarded()
    {
        var request = JsonNode.Parse("""
            {"request_id":"kmxqz","tool_name":"Bash","description":"Run the tests","input_preview":"dotnet test",
             "tool_kind":"shell","mcp_server":null,"extra":{"nested":[1,2]}}
            """);

        await new PermissionForwarder(_chat.Object, PermissionCapability.Fixed(true, TimeProvider.System)).ForwardAsync(request, default);

        _chat.Verify(c => c.RequestPermissionAsync("kmxqz", "Bash", "Run the tests", "dotnet test", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData("""{"request_id":"abcdl","tool_name":"Bash"}""")]
    [InlineData("""{"request_id":12345,"tool_name":"Bash"}""")]
    [InlineData("""{"tool_name":"Bash"}""")]
    [InlineData("[]")]
    public async Task A_request_without_a_valid_id_is_not_forwarded(string json)
    {
        await new PermissionForwarder(_chat.Object, PermissionCapability.Fixed(true, TimeProvider.System)).ForwardAsync(JsonNode.Parse(json), default);

        _chat.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Without_a_paired_chat_nothing_is_forwarded()
    {
        await new PermissionForwarder(_chat.Object, PermissionCapability.Fixed(false, TimeProvider.System)).ForwardAsync(JsonNode.Parse("""{"request_id":"abcde"}"""), default);

        _chat.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_failure_to_forward_does_not_end_the_session_and_is_logged()
    {
        _chat.Setup(c => c.RequestPermissionAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RelayApiException("down"));
        var lines = new List<string>();
        using var logs = new ListLoggerProvider(lines);
        var forwarder = new PermissionForwarder(_chat.Object, PermissionCapability.Fixed(true, TimeProvider.System)) { Logger = logs.CreateLogger("relay") };

        var thrown = await Record.ExceptionAsync(() => forwarder.ForwardAsync(JsonNode.Parse("""{"request_id":"abcde"}"""), default).AsTask());

        // The request was tried, its failure stayed inside the forwarder (the session goes on), and it was said.
        Assert.Null(thrown);
        _chat.Verify(c => c.RequestPermissionAsync("abcde", "a tool", "", "", It.IsAny<CancellationToken>()), Times.Once);
        Assert.Single(lines, line => line.StartsWith("Error relay: Permission request abcde could not be sent: down", StringComparison.Ordinal));
    }
}
