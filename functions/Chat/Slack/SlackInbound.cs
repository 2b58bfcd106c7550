using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Functions.Chat;
using Serverless.Functions.Sources;

namespace Serverless.Functions.Chat.Slack;

/// <summary>
/// Reads Slack's payloads into the neutral chat records: an Events API <c>event_callback</c> into a
/// <see cref="ChatInboundMessage"/> (direct messages and mentions of the bot only, never a bot's own
/// message), and a <c>block_actions</c> interaction into a <see cref="ChatButtonPress"/>.
/// </summary>
public static partial class SlackInbound
{
    /// <summary>The message in an <c>event_callback</c>, or why there is none.</summary>
    /// <param name="botUserId">The bot's user id when known: its own messages are ignored and its mention is cut from the text.</param>
    public static SlackInboundMessage ReadEvent(JsonObject envelope, string? botUserId)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope["event"] is not JsonObject message)
        {
            return SlackInboundMessage.Ignored("no event");
        }

        var type = Json.Text(message, "type");
        var channelType = Json.Text(message, "channel_type");
        // Direct messages come as message events; in channels the bot hears only mentions (app_mention), so a
        // message there is never handled twice through message.channels.
        var mention = type == "app_mention";
        if (!mention && !(type == "message" && channelType == "im"))
        {
            return SlackInboundMessage.Ignored($"not a direct message or a mention ({type})");
        }

        // Edits, deletions, joins and bots' posts carry a subtype; a person's message with files is file_share.
        var subtype = Json.Text(message, "subtype");
        var user = Json.Text(message, "user");
        if (Json.Text(message, "bot_id") is not null || subtype is not (null or "file_share" or "thread_broadcast")
            || user is null || user == botUserId)
        {
            return SlackInboundMessage.Ignored("not a person's new message");
        }

        var channel = Json.Text(message, "channel");
        var ts = Json.Text(message, "ts");
        if (!SlackIds.IsConversationId(channel) || !SlackIds.IsTimestamp(ts) || !SlackIds.IsUserId(user))
        {
            return SlackInboundMessage.Ignored("no channel, ts or user");
        }

        var thread = Json.Text(message, "thread_ts") is { } threadTs && SlackIds.IsTimestamp(threadTs) ? threadTs : null;
        var text = Json.Text(message, "text") ?? string.Empty;
        if (mention)
        {
            text = StripMention(text, botUserId);
        }

        var direct = channelType == "im";
        return new SlackInboundMessage(new ChatInboundMessage
        {
            UserId = user,
            UserName = Json.Text(message, "user_profile.display_name") is { Length: > 0 } display ? display
                : Json.Text(message, "user_profile.name") is { Length: > 0 } name ? name : user,
            // A mention at the top of a channel is answered in a thread under it; a direct message in the
            // conversation, unless it was written in a thread.
            ChatReference = new SlackChatReference(channel, thread ?? (direct ? null : ts)).ToString(),
            Kind = direct ? ChatKind.Private : ChatKind.Group,
            Text = text.Trim(),
            MessageId = ts,
            AddressedToBot = mention,
            ReplyTo = thread is not null && thread != ts ? thread : null,
            Attachments = Files(message),
            Data = message.DeepClone(),
            // The message, not the event: a message seen as two events (a mention and a message) is one.
            DeliveryId = $"message:{channel}:{ts}",
        }, null);
    }

    /// <summary>The button pressed in a <c>block_actions</c> payload, and where to answer the presser.</summary>
    public static SlackButtonPress? ReadInteraction(JsonObject payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (Json.Text(payload, "type") != "block_actions" || Json.Text(payload, "user.id") is not { } user || !SlackIds.IsUserId(user))
        {
            return null;
        }

        var data = Json.Text(payload, "actions.0.value") ?? Json.Text(payload, "actions.0.action_id");
        if (string.IsNullOrEmpty(data))
        {
            return null;
        }

        var name = Json.Text(payload, "user.username") is { Length: > 0 } username ? username
            : Json.Text(payload, "user.name") is { Length: > 0 } plain ? plain : user;
        var responseUrl = Uri.TryCreate(Json.Text(payload, "response_url"), UriKind.Absolute, out var url) ? url : null;
        return new SlackButtonPress(new ChatButtonPress(user, name, data), responseUrl);
    }

    /// <summary>The bot's user id as the envelope names it (its installation's <c>authorizations</c> entry), if it does.</summary>
    public static string? BotUserIdOf(JsonObject envelope) =>
        Json.Array(envelope, "authorizations")?.OfType<JsonObject>()
            .Where(a => Json.IsTrue(a, "is_bot")).Select(a => Json.Text(a, "user_id")).FirstOrDefault(SlackIds.IsUserId);

    private static string StripMention(string text, string? botUserId)
    {
        if (botUserId is not null)
        {
            return text.Replace($"<@{botUserId}>", string.Empty, StringComparison.Ordinal);
        }

        // Without the bot's id, only a mention that opens the text can be taken for the bot's.
        return LeadingMention().Replace(text, string.Empty, 1);
    }

    private static List<string> Files(JsonObject message) =>
        [.. Json.Array(message, "files")?.OfType<JsonObject>().Select(f =>
            $"[file attached: {Json.Text(f, "name") ?? Json.Text(f, "title") ?? "unnamed"} ({Json.Text(f, "mimetype") ?? "unknown type"}), file id {Json.Text(f, "id")}]") ?? []];

    [GeneratedRegex(@"\A\s*<@[UW][A-Z0-9]+(\|[^>]*)?>")]
    private static partial Regex LeadingMention();
}

/// <summary>A message for the bot, or the reason there is none.</summary>
public sealed record SlackInboundMessage(ChatInboundMessage? Message, string? IgnoredBecause)
{
    public static SlackInboundMessage Ignored(string reason) => new(null, reason);
}

/// <summary>A button press, and the <c>response_url</c> where the presser alone is answered.</summary>
public sealed record SlackButtonPress(ChatButtonPress Press, Uri? ResponseUrl);
