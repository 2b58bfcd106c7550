using Serverless.Functions.Events;
using Serverless.Functions.Hooks;
using Serverless.Functions.Inbox;
using Serverless.Functions.Sources;

namespace Serverless.Functions.Chat.Permissions;

/// <summary>
/// Claude Code's tool-use permission requests on the phone: a message with See more / Allow / Deny buttons
/// to the paired private chats of the channel on every transport, and the first answer back as a durable event.
/// </summary>
public sealed partial class PermissionDesk(IPermissionStore store, ChatTransports transports, EventIngress ingress, ILogger<PermissionDesk> logger)
{
    public const string ButtonPrefix = "perm";

    public static bool IsRequestId(string? id) => id is { Length: 5 } && id.All(c => c is >= 'a' and <= 'z' && c != 'l');

    /// <summary>Sends the request; returns how many chats got it, or null when a request with this id exists already.</summary>
    /// <exception cref="ChatApiException">A chat service refused it before any chat got it.</exception>
    public async Task<int?> AskAsync(string channel, string requestId, string toolName, string description, string inputPreview, CancellationToken cancellationToken)
    {
        // Recorded first and only once: a relay of another channel cannot take over (or reset) a request
        // by sending its id again.
        var record = new PermissionRequestRecord(requestId, channel, toolName, description, inputPreview, [], null);
        if (!await store.AddAsync(record, cancellationToken))
        {
            return null;
        }

        var text = Text(toolName, description, requestId);
        IReadOnlyList<IReadOnlyList<ChatButton>> buttons =
        [
            [new ChatButton("See more", $"{ButtonPrefix}:more:{requestId}")],
            [new ChatButton("✅ Allow", $"{ButtonPrefix}:allow:{requestId}", ChatButtonStyle.Primary), new ChatButton("❌ Deny", $"{ButtonPrefix}:deny:{requestId}", ChatButtonStyle.Danger)],
        ];
        var sent = new List<SentPermissionMessage>();
        ChatApiException? firstFailure = null;
        foreach (var transport in transports.Enabled)
        {
            // Only the people allowed on this channel see (and can answer) its session's requests.
            // A configured user who never wrote has no known chat on a transport whose user ids are not chats.
            foreach (var chat in (await transports.AccessOf(transport).AllowedChatsAsync(channel, cancellationToken)).Where(c => transport.ConversationOf(c) is not null))
            {
                try
                {
                    var message = await transport.SendAsync(new ChatOutgoingMessage(chat, text) { Buttons = buttons }, cancellationToken);
                    sent.Add(new SentPermissionMessage(transport.Name, message.ChatReference, message.MessageId));
                }
                catch (ChatApiException ex)
                {
                    // One unreachable chat (a user who blocked the bot) must not keep the request from the others.
                    firstFailure ??= ex;
                    LogSendFailed(requestId, transport.DisplayName, ex.Message);
                }
            }
        }

        await store.SaveAsync(record with { Messages = sent }, cancellationToken);
        if (sent.Count == 0 && firstFailure is not null)
        {
            throw firstFailure;
        }

        return sent.Count;
    }

    /// <summary>Records the answer of a user allowed on the request's channel; the text says what happened, for the user.</summary>
    public async Task<string> AnswerAsync(IChatTransport transport, string requestId, PermissionBehavior behavior, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var request = await FindForUserAsync(transport, requestId, userId, cancellationToken);
        if (request is null)
        {
            return $"There is no permission request {requestId}.";
        }

        if (!await store.TryResolveAsync(requestId, behavior.ToWire(), cancellationToken))
        {
            return $"Request {requestId} was already answered.";
        }

        try
        {
            await ingress.AcceptAsync(transport.Name, request.Channel, new EventDraft
            {
                EventType = DecisionEvents.PermissionEventType,
                Summary = $"Permission for {request.ToolName}: {behavior.ToWire()} (request {requestId}, answered on {transport.DisplayName})",
                Trust = TrustLevel.Allowlisted,
                RequestId = requestId,
                Behavior = behavior.ToWire(),
                User = userId,
                DeliveryId = $"permission:{requestId}",
            }, cancellationToken);
        }
        catch (InboxUnavailableException)
        {
            // Undo, so the same button can be pressed again once storage is back.
            await store.SaveAsync(request, cancellationToken);
            return "The answer could not be delivered; please try again.";
        }

        var outcome = behavior == PermissionBehavior.Allow ? "✅ Allowed" : "❌ Denied";
        foreach (var message in request.Messages)
        {
            if (transports.Find(message.Transport) is not { Enabled: true } carrier)
            {
                continue;
            }

            try
            {
                // Replacing the text drops the buttons, so the request cannot be answered twice.
                await carrier.EditAsync(message.ChatReference, message.MessageId, $"{Text(request.ToolName, request.Description, requestId)}\n\n{outcome}", ChatTextFormat.Plain, cancellationToken);
            }
            catch (Exception ex) when (ex is ChatApiException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                LogEditFailed(requestId, ex.Message);
            }
        }

        return outcome;
    }

    public async Task<string> DescribeAsync(IChatTransport transport, string requestId, string userId, CancellationToken cancellationToken)
    {
        var request = await FindForUserAsync(transport, requestId, userId, cancellationToken);
        return request is null ? $"There is no permission request {requestId}." : Summary.Clip($"{request.ToolName}: {request.InputPreview}", 200);
    }

    /// <summary>The request, if this user may see it: one of another channel is answered as if it did not exist.</summary>
    private async Task<PermissionRequestRecord?> FindForUserAsync(IChatTransport transport, string requestId, string userId, CancellationToken cancellationToken)
    {
        var request = await store.GetAsync(requestId, cancellationToken);
        return request is not null && ChannelSet.Allows(await transports.AccessOf(transport).ChannelsOfUserAsync(userId, cancellationToken), request.Channel)
            ? request
            : null;
    }

    private static string Text(string toolName, string description, string requestId) =>
        $"🔐 Claude wants to use {toolName}\n{Summary.Clip(description, 1000)}\n\nAnswer with the buttons, or reply \"yes {requestId}\" or \"no {requestId}\".";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not replace the buttons of permission request {RequestId}: {Reason}")]
    private partial void LogEditFailed(string requestId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send permission request {RequestId} to a {Transport} chat: {Reason}")]
    private partial void LogSendFailed(string requestId, string transport, string reason);
}
