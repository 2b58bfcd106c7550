using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Slack;

/// <summary>
/// Slack as a chat transport: chat references <c>slack:C0123ABC</c> or, for a thread,
/// <c>slack:C0123ABC:1700000000.000100</c>; message ids are message timestamps (<c>ts</c>). A reply goes to the
/// thread its reference names. While Slack's own request is being answered, writes are queued
/// (<see cref="SlackOutbox"/>) so the answer never waits on the Web API.
/// </summary>
public sealed class SlackChatTransport(IOptions<SlackOptions> options, SlackWebApi api, SlackOutbox outbox) : IChatTransport
{
    public const string TransportName = ChatTransportNames.Slack;

    /// <summary>Slack truncates text over 40,000 characters and advises at most 4,000.</summary>
    public const int MaxLength = 4000;

    public string Name => TransportName;

    public string DisplayName => "Slack";

    public bool Enabled => options.Value.Enabled;

    public string EnablingSettings => "Slack:SigningSecret and Slack:BotToken";

    public int MaxMessageLength => MaxLength;

    public ChatPolicy Policy => options.Value.Policy;

    public string DefaultChannel => options.Value.DefaultChannel;

    public IReadOnlyCollection<string> ConfiguredUsers => [.. options.Value.AllowedUsers];

    // chat.postMessage to a user id writes in the app's direct conversation with them.
    public string PrivateChatOf(string userId) => $"{TransportName}:{userId}";

    public string ReceiptEmoji => SlackEmoji.ToName(options.Value.ReceiptEmoji) ?? "eyes";

    public string? ConversationOf(string chatReference) =>
        SlackChatReference.TryParse(chatReference, out var parsed) ? parsed.Conversation : null;

    public string? NotificationChat(string channel) =>
        options.Value.NotificationChats.TryGetValue(channel, out var chat) ? new SlackChatReference(chat, null).ToString() : null;

    public bool IsAllowedGroup(string conversation) =>
        SlackChatReference.TryParse(conversation, out var parsed) && parsed.Thread is null
        && !SlackIds.IsDirectMessage(parsed.Channel) && options.Value.AllowedChannels.Contains(parsed.Channel);

    public bool WantsReceipt(string chatReference) =>
        SlackChatReference.TryParse(chatReference, out var parsed) && options.Value.Receipts switch
        {
            ChatReceipts.AllChats => true,
            ChatReceipts.PrivateChats => SlackIds.IsDirectMessage(parsed.Channel),
            _ => false,
        };

    public async Task<ChatMessageRef> SendAsync(ChatOutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var target = Parse(message.ChatReference);
        var body = new JsonObject
        {
            ["channel"] = target.Channel,
            ["text"] = SlackBlocks.FallbackText(message.Text, message.Format),
            ["blocks"] = SlackBlocks.For(message.Text, message.Format, message.Buttons),
            // Links to other sites stay links, without a preview card under every reply.
            ["unfurl_links"] = false,
        };

        // A reply stays in the thread its reference names. Without one, a reply to a message in a channel starts
        // a thread under it; in a direct message it goes to the conversation itself.
        var thread = target.Thread ?? (!SlackIds.IsDirectMessage(target.Channel) && SlackIds.IsTimestamp(message.ReplyTo) ? message.ReplyTo : null);
        if (thread is not null)
        {
            body["thread_ts"] = thread;
        }

        if (SlackOutbox.IsDeferring)
        {
            // Nothing sent while Slack waits for its answer is edited later, so no id is needed.
            outbox.Enqueue("chat.postMessage", ct => api.PostMessageAsync(body, ct));
            return new ChatMessageRef(message.ChatReference, string.Empty);
        }

        var answer = await Write(() => api.PostMessageAsync(body, cancellationToken), message.Format);
        var ts = (string?)answer["ts"] ?? throw new SlackApiException("Slack chat.postMessage answered without a ts.") { Error = "no_ts" };
        // Posted to a user's id, the message lands in their direct conversation: edits must name that one.
        var channel = (string?)answer["channel"] is { } answered && SlackIds.IsConversationId(answered) ? answered : target.Channel;
        return new ChatMessageRef(new SlackChatReference(channel, target.Thread).ToString(), ts);
    }

    public async Task EditAsync(string chatReference, string messageId, string text, ChatTextFormat format, CancellationToken cancellationToken)
    {
        var target = Parse(chatReference);
        RequireTimestamp(messageId);
        var body = new JsonObject
        {
            ["channel"] = target.Channel,
            ["ts"] = messageId,
            ["text"] = SlackBlocks.FallbackText(text, format),
            // New blocks replace the old ones whole: the buttons go.
            ["blocks"] = SlackBlocks.For(text, format, []),
        };
        if (SlackOutbox.IsDeferring)
        {
            outbox.Enqueue("chat.update", ct => api.UpdateAsync(body, ct));
            return;
        }

        await Write(() => api.UpdateAsync(body, cancellationToken), format);
    }

    public async Task ReactAsync(string chatReference, string messageId, string emoji, CancellationToken cancellationToken)
    {
        var target = Parse(chatReference);
        RequireTimestamp(messageId);
        var name = SlackEmoji.ToName(emoji)
            ?? throw new SlackApiException($"'{emoji}' is not a Slack reaction: use a name such as eyes or white_check_mark, or a common emoji.") { Error = "invalid_name" };
        if (SlackOutbox.IsDeferring)
        {
            outbox.Enqueue("reactions.add", ct => api.AddReactionAsync(target.Channel, messageId, name, ct));
            return;
        }

        await api.AddReactionAsync(target.Channel, messageId, name, cancellationToken);
    }

    /// <summary>Slack refusing markdown blocks is a formatting error: the same words go again as plain text.</summary>
    private static async Task<JsonObject> Write(Func<Task<JsonObject>> call, ChatTextFormat format)
    {
        try
        {
            return await call();
        }
        catch (SlackApiException ex) when (format == ChatTextFormat.Markdown && ex.Error is "invalid_blocks" or "invalid_blocks_format")
        {
            throw new SlackApiException(ex.Message, ex) { Error = ex.Error, IsFormatError = true };
        }
    }

    private static SlackChatReference Parse(string chatReference) =>
        SlackChatReference.TryParse(chatReference, out var parsed)
            ? parsed
            : throw new SlackApiException($"'{chatReference}' is not a Slack chat (slack:CHANNEL or slack:CHANNEL:THREAD_TS).") { Error = "invalid_chat" };

    private static void RequireTimestamp(string messageId)
    {
        if (!SlackIds.IsTimestamp(messageId))
        {
            throw new SlackApiException($"'{messageId}' is not a Slack message id (a ts such as 1700000000.000100).") { Error = "invalid_ts" };
        }
    }
}
