namespace Serverless.Functions.Chat;

// Temporary, until the shared conversation lands on main (removed by the merge that brings it): the two
// members the Discord endpoint calls, so this branch builds on its own. Never registered as a service.
public sealed class ChatConversation
{
    public Task<string> HandleMessageAsync(IChatTransport transport, ChatInboundMessage message, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ChatButtonAnswer> HandleButtonAsync(IChatTransport transport, ChatButtonPress press, CancellationToken cancellationToken) => throw new NotSupportedException();
}
