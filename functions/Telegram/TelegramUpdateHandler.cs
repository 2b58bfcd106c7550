using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Hooks;
using Serverless.Functions.Questions;
using Serverless.Functions.Sources;
using Serverless.Functions.Telegram.Access;

namespace Serverless.Functions.Telegram;

/// <summary>
/// What happens to one Telegram update: the access gate first (pairing, allowlist, groups), then a
/// message becomes a channel event, a bot command is answered, or a permission answer or the answer to a
/// question is recorded. Unknown senders never reach the session.
/// </summary>
public sealed partial class TelegramUpdateHandler(
    IOptions<TelegramOptions> options,
    ITelegramAccessStore store,
    TelegramBotApi bot,
    PermissionRelay permissions,
    QuestionDesk questions,
    EventIngress ingress,
    TimeProvider timeProvider,
    ILogger<TelegramUpdateHandler> logger)
{
    public static readonly TimeSpan PairingLifetime = TimeSpan.FromHours(1);
    public const int MaxPending = 3;
    public const int MaxRepliesPerSender = 2;

    /// <summary>Handles the update; returns a short description of what was done, for the HTTP answer.</summary>
    /// <exception cref="Inbox.InboxUnavailableException">A message could not be stored; Telegram should retry.</exception>
    public async Task<string> HandleAsync(JsonNode update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (options.Value.Policy == TelegramPolicy.Disabled)
        {
            return "ignored: Telegram access is disabled";
        }

        if (update["callback_query"] is JsonObject callback)
        {
            return await CallbackAsync(callback, cancellationToken);
        }

        if (update["message"] is not JsonObject message)
        {
            return "ignored: not a message";
        }

        var chatType = Json.Text(message, "chat.type");
        var chatId = Json.WholeNumber(message, "chat.id");
        var userId = Json.WholeNumber(message, "from.id");
        if (chatId is null || userId is null || Json.IsTrue(message, "from.is_bot"))
        {
            return "ignored: no human sender";
        }

        var channels = await store.ChannelsOfUserAsync(userId.Value, cancellationToken);
        if (chatType == "private")
        {
            return channels.Count > 0
                ? await FromAllowedAsync(message, chatId.Value, userId.Value, channels, cancellationToken)
                : await FromStrangerAsync(chatId.Value, userId.Value, cancellationToken);
        }

        // In a group the bot hears replies to its own messages: a reply to a waiting question answers it.
        if (chatType is "group" or "supergroup" && channels.Count > 0
            && await AnswerQuestionAsync(message, chatId.Value, userId.Value, requireReply: true, cancellationToken) is { } answered)
        {
            return answered;
        }

        if (chatType is "group" or "supergroup" && channels.Count > 0 && options.Value.AllowedGroups.Contains(chatId.Value) && MentionsBot(message))
        {
            // A group talks to one channel; only members allowed on that channel reach it.
            var channel = await store.ChannelForChatAsync(chatId.Value, cancellationToken) ?? options.Value.DefaultChannel;
            return ChannelSet.Allows(channels, channel)
                ? await ForwardAsync(message, chatId.Value, userId.Value, channel, cancellationToken)
                : "ignored: sender not allowed on the group's channel";
        }

        return "ignored: group message not for the bot";
    }

    private async Task<string> FromAllowedAsync(JsonObject message, long chatId, long userId, IReadOnlySet<string> channels, CancellationToken cancellationToken)
    {
        var text = Json.Text(message, "text")?.Trim() ?? string.Empty;
        if (PermissionAnswer().Match(text) is { Success: true } answer)
        {
            var behavior = answer.Groups[1].Value.StartsWith('y') ? PermissionBehavior.Allow : PermissionBehavior.Deny;
            var result = await permissions.AnswerAsync(answer.Groups[2].Value.ToLowerInvariant(), behavior, userId, cancellationToken);
            await ReplyAsync(chatId, result, cancellationToken);
            return "permission answer";
        }

        if (text.StartsWith("/channel", StringComparison.Ordinal))
        {
            var name = text["/channel".Length..].Trim();
            if (ChannelName.IsValid(name) && ChannelSet.Allows(channels, name))
            {
                await store.BindChatAsync(chatId, name, cancellationToken);
                await ReplyAsync(chatId, $"This chat now talks to channel '{name}'.", cancellationToken);
                return "channel switched";
            }

            var current = await ChannelAsync(chatId, channels, cancellationToken);
            await ReplyAsync(chatId, ChannelName.IsValid(name)
                ? $"You are not paired for channel '{name}': its owner runs relay pair for you on that channel. Still on '{current}'."
                : $"Usage: /channel NAME ({ChannelName.Rule}), one of your channels: {Describe(channels)}. Now: '{current}'.", cancellationToken);
            return ChannelName.IsValid(name) ? "channel refused" : "channel usage";
        }

        if (text is "/start" or "/help" or "/status")
        {
            await ReplyAsync(chatId, $"Connected: messages here reach the Claude Code session on channel '{await ChannelAsync(chatId, channels, cancellationToken)}'. Your channels: {Describe(channels)}; switch with /channel NAME.", cancellationToken);
            return "help";
        }

        if (await AnswerQuestionAsync(message, chatId, userId, requireReply: false, cancellationToken) is { } answered)
        {
            return answered;
        }

        return await ForwardAsync(message, chatId, userId, await ChannelAsync(chatId, channels, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Text in a chat where a question waits answers it, if the sender may answer the question's channel (in
    /// a group, only a reply to the question). Anything else goes on as an ordinary message.
    /// </summary>
    private async Task<string?> AnswerQuestionAsync(JsonObject message, long chatId, long userId, bool requireReply, CancellationToken cancellationToken)
    {
        var text = Json.Text(message, "text")?.Trim();
        if (string.IsNullOrEmpty(text) || text.StartsWith('/')
            || await questions.WaitingInChatAsync(chatId.ToString(CultureInfo.InvariantCulture), cancellationToken) is not { } waiting)
        {
            return null;
        }

        var replyTo = Json.Text(message, "reply_to_message.message_id");
        if (requireReply && !waiting.Messages.Any(m => m.MessageId == replyTo))
        {
            return null;
        }

        var result = await questions.AnswerAsync(waiting.Id, Responder(userId, message), QuestionChoice.Typed(text), cancellationToken);
        return result.Outcome == AnswerOutcome.Answered ? $"question {waiting.Id} answered" : null;
    }

    private static QuestionResponder Responder(long userId, JsonObject source) =>
        new(userId.ToString(CultureInfo.InvariantCulture), Json.Text(source, "from.username") is { Length: > 0 } username ? $"@{username}" : userId.ToString(CultureInfo.InvariantCulture));

    private async Task<string> FromStrangerAsync(long chatId, long userId, CancellationToken cancellationToken)
    {
        if (options.Value.Policy != TelegramPolicy.Pairing)
        {
            return "ignored: sender not allowed";
        }

        var now = timeProvider.GetUtcNow();
        var pending = await store.FindPendingForUserAsync(userId, cancellationToken);
        if (pending is not null && pending.ExpiresAt > now)
        {
            if (pending.Replies >= MaxRepliesPerSender)
            {
                return "ignored: pairing code already sent";
            }

            await store.SavePendingAsync(pending with { Replies = pending.Replies + 1 }, cancellationToken);
            await ReplyAsync(chatId, PairingText(pending.Code), cancellationToken);
            return "pairing code repeated";
        }

        var live = (await store.PendingAsync(cancellationToken)).Where(p => p.ExpiresAt > now && p.UserId != userId).ToList();
        if (live.Count >= MaxPending)
        {
            LogTooManyPending(MaxPending);
            return "ignored: too many pending pairings";
        }

        if (pending is not null)
        {
            await store.TakePendingAsync(pending.Code, cancellationToken);
        }

        var code = PairingCode.New();
        await store.SavePendingAsync(new PendingPairing(code, userId, chatId, now + PairingLifetime, 1), cancellationToken);
        await ReplyAsync(chatId, PairingText(code), cancellationToken);
        LogPairingCode(userId);
        return "pairing code sent";
    }

    private async Task<string> ForwardAsync(JsonObject message, long chatId, long userId, string channel, CancellationToken cancellationToken)
    {
        var username = Json.Text(message, "from.username");
        // The sender's own words go to the session whole, line breaks and all (the relay bounds the content);
        // attachments are named after them.
        var lines = new List<string> { Json.Text(message, "text") ?? Json.Text(message, "caption") ?? string.Empty };
        if (Json.Array(message, "photo") is { Count: > 0 } photo)
        {
            lines.Add($"[photo attached, file_id {Json.Text(photo[^1], "file_id")}]");
        }

        if (message["document"] is JsonObject document)
        {
            lines.Add($"[document attached: {Json.Text(document, "file_name")} ({Json.Text(document, "mime_type")}), file_id {Json.Text(document, "file_id")}]");
        }

        var summary = string.Join('\n', lines.Where(l => l.Length > 0));
        var reply = message["reply_to_message"] as JsonObject;
        var stored = await ingress.AcceptAsync("telegram", channel, new EventDraft
        {
            EventType = "message",
            Summary = summary.Length == 0 ? "(an empty message)" : summary,
            Trust = TrustLevel.Allowlisted,
            ChatId = chatId.ToString(CultureInfo.InvariantCulture),
            MessageId = Json.Text(message, "message_id"),
            User = username is { Length: > 0 } ? username : userId.ToString(CultureInfo.InvariantCulture),
            ReplyTo = Json.Text(reply, "message_id"),
            Quoted = Json.Text(reply, "text") is { } quoted ? Summary.Clip(quoted, 200) : null,
            DeliveryId = $"message:{chatId}:{Json.Text(message, "message_id")}",
            Data = message.DeepClone(),
            DataContentType = "application/json",
        }, cancellationToken);
        return $"stored {stored.Id}";
    }

    private async Task<string> CallbackAsync(JsonObject callback, CancellationToken cancellationToken)
    {
        var id = Json.Text(callback, "id") ?? string.Empty;
        var userId = Json.WholeNumber(callback, "from.id");
        var data = Json.Text(callback, "data") ?? string.Empty;
        var parts = data.Split(':');
        if (userId is not null && parts is [TelegramQuestionText.CallbackPrefix, var questionId, var option])
        {
            return await QuestionCallbackAsync(callback, id, userId.Value, questionId, option, cancellationToken);
        }

        if (userId is null || parts.Length != 3 || parts[0] != "perm" || !PermissionRelay.IsRequestId(parts[2]))
        {
            return "ignored: unknown callback";
        }

        if ((await store.ChannelsOfUserAsync(userId.Value, cancellationToken)).Count == 0)
        {
            await bot.AnswerCallbackQueryAsync(id, "You are not allowed to answer this.", false, cancellationToken);
            return "ignored: callback from a stranger";
        }

        var text = (parts[1], PermissionBehaviorNames.FromWire(parts[1])) switch
        {
            ("more", _) => await permissions.DescribeAsync(parts[2], userId.Value, cancellationToken),
            (_, { } behavior) => await permissions.AnswerAsync(parts[2], behavior, userId.Value, cancellationToken),
            _ => "Unknown action.",
        };
        await bot.AnswerCallbackQueryAsync(id, text, parts[1] == "more", cancellationToken);
        return $"permission callback {parts[1]}";
    }

    /// <summary>A tapped option: the answer of a user allowed on the question's channel; anyone else is told only that they may not.</summary>
    private async Task<string> QuestionCallbackAsync(JsonObject callback, string callbackId, long userId, string questionId, string option, CancellationToken cancellationToken)
    {
        if (!QuestionLimits.IsQuestionId(questionId) || !int.TryParse(option, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return "ignored: unknown callback";
        }

        var result = await questions.AnswerAsync(questionId, Responder(userId, callback), QuestionChoice.Tapped(index), cancellationToken);
        await bot.AnswerCallbackQueryAsync(callbackId, result.Message, false, cancellationToken);
        return $"question callback: {result.Outcome}";
    }

    /// <summary>
    /// The channel a private chat talks to: the one it was switched or paired to, while the user is still
    /// allowed on it; else the default channel if allowed; else the first of the user's channels.
    /// </summary>
    private async Task<string> ChannelAsync(long chatId, IReadOnlySet<string> channels, CancellationToken cancellationToken)
    {
        if (await store.ChannelForChatAsync(chatId, cancellationToken) is { } bound && ChannelSet.Allows(channels, bound))
        {
            return bound;
        }

        return ChannelSet.Allows(channels, options.Value.DefaultChannel)
            ? options.Value.DefaultChannel
            : channels.Order(StringComparer.Ordinal).First();
    }

    private static string Describe(IReadOnlySet<string> channels) =>
        channels.Contains(ChannelSet.Every) ? "any channel" : string.Join(", ", channels.Order(StringComparer.Ordinal).Select(c => $"'{c}'"));

    private bool MentionsBot(JsonObject message)
    {
        var bot = options.Value.BotUsername?.TrimStart('@');
        if (string.IsNullOrEmpty(bot))
        {
            return false;
        }

        return (Json.Text(message, "text") ?? Json.Text(message, "caption") ?? string.Empty).Contains($"@{bot}", StringComparison.OrdinalIgnoreCase)
            || string.Equals(Json.Text(message, "reply_to_message.from.username"), bot, StringComparison.OrdinalIgnoreCase);
    }

    private async Task ReplyAsync(long chatId, string text, CancellationToken cancellationToken)
    {
        try
        {
            await bot.SendMessageAsync(chatId, text, null, null, null, cancellationToken);
        }
        catch (Exception ex) when (ex is TelegramApiException or HttpRequestException)
        {
            LogReplyFailed(ex.Message);
        }
    }

    private static string PairingText(string code) =>
        $"This bot relays to a private Claude Code session. To pair, ask its owner to run:\n\nrelay pair {code}\n\nThe code expires in one hour.";

    [GeneratedRegex(@"\A\s*(yes|y|no|n)\s+([a-km-z]{5})\s*\z", RegexOptions.IgnoreCase)]
    private static partial Regex PermissionAnswer();

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent a pairing code to Telegram user {UserId}")]
    private partial void LogPairingCode(long userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A stranger wrote while {Max} pairings are pending; they get no answer")]
    private partial void LogTooManyPending(int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not answer on Telegram: {Reason}")]
    private partial void LogReplyFailed(string reason);
}
