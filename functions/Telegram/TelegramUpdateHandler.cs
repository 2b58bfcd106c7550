using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Hooks;
using Serverless.Functions.Sources;
using Serverless.Functions.Telegram.Access;

namespace Serverless.Functions.Telegram;

/// <summary>
/// What happens to one Telegram update: the access gate first (pairing, allowlist, groups), then a
/// message becomes a channel event, a bot command is answered, or a permission answer is recorded.
/// Unknown senders never reach the session.
/// </summary>
public sealed partial class TelegramUpdateHandler(
    IOptions<TelegramOptions> options,
    ITelegramAccessStore store,
    TelegramBotApi bot,
    PermissionRelay permissions,
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
        if (options.Value.Policy == "disabled")
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
        var chatId = (long?)message["chat"]?["id"];
        var userId = (long?)message["from"]?["id"];
        if (chatId is null || userId is null || (bool?)message["from"]?["is_bot"] == true)
        {
            return "ignored: no human sender";
        }

        var allowed = await store.IsAllowedAsync(userId.Value, cancellationToken);
        if (chatType == "private")
        {
            return allowed
                ? await FromAllowedAsync(message, chatId.Value, userId.Value, cancellationToken)
                : await FromStrangerAsync(chatId.Value, userId.Value, cancellationToken);
        }

        if (chatType is "group" or "supergroup" && allowed && options.Value.AllowedGroups.Contains(chatId.Value) && MentionsBot(message))
        {
            return await ForwardAsync(message, chatId.Value, userId.Value, cancellationToken);
        }

        return "ignored: group message not for the bot";
    }

    private async Task<string> FromAllowedAsync(JsonObject message, long chatId, long userId, CancellationToken cancellationToken)
    {
        var text = Json.Text(message, "text")?.Trim() ?? string.Empty;
        if (PermissionAnswer().Match(text) is { Success: true } answer)
        {
            var behavior = answer.Groups[1].Value.StartsWith('y') ? "allow" : "deny";
            var result = await permissions.AnswerAsync(answer.Groups[2].Value.ToLowerInvariant(), behavior, userId, cancellationToken);
            await ReplyAsync(chatId, result, cancellationToken);
            return "permission answer";
        }

        if (text.StartsWith("/channel", StringComparison.Ordinal))
        {
            var name = text["/channel".Length..].Trim();
            if (ChannelName.IsValid(name))
            {
                await store.BindChatAsync(chatId, name, cancellationToken);
                await ReplyAsync(chatId, $"This chat now talks to channel '{name}'.", cancellationToken);
                return "channel switched";
            }

            await ReplyAsync(chatId, $"Usage: /channel NAME ({ChannelName.Rule}). Now: '{await ChannelAsync(chatId, cancellationToken)}'.", cancellationToken);
            return "channel usage";
        }

        if (text is "/start" or "/help" or "/status")
        {
            await ReplyAsync(chatId, $"Connected: messages here reach the Claude Code session on channel '{await ChannelAsync(chatId, cancellationToken)}'. Switch with /channel NAME.", cancellationToken);
            return "help";
        }

        return await ForwardAsync(message, chatId, userId, cancellationToken);
    }

    private async Task<string> FromStrangerAsync(long chatId, long userId, CancellationToken cancellationToken)
    {
        if (options.Value.Policy != "pairing")
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

    private async Task<string> ForwardAsync(JsonObject message, long chatId, long userId, CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(chatId, cancellationToken);
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
        var userId = (long?)callback["from"]?["id"];
        var data = Json.Text(callback, "data") ?? string.Empty;
        var parts = data.Split(':');
        if (userId is null || parts.Length != 3 || parts[0] != "perm" || !PermissionRelay.IsRequestId(parts[2]))
        {
            return "ignored: unknown callback";
        }

        if (!await store.IsAllowedAsync(userId.Value, cancellationToken))
        {
            await bot.AnswerCallbackQueryAsync(id, "You are not allowed to answer this.", false, cancellationToken);
            return "ignored: callback from a stranger";
        }

        var text = parts[1] switch
        {
            "more" => await permissions.DescribeAsync(parts[2], cancellationToken),
            "allow" or "deny" => await permissions.AnswerAsync(parts[2], parts[1], userId.Value, cancellationToken),
            _ => "Unknown action.",
        };
        await bot.AnswerCallbackQueryAsync(id, text, parts[1] == "more", cancellationToken);
        return $"permission callback {parts[1]}";
    }

    private async Task<string> ChannelAsync(long chatId, CancellationToken cancellationToken) =>
        await store.ChannelForChatAsync(chatId, cancellationToken) ?? options.Value.DefaultChannel;

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

    [GeneratedRegex(@"^\s*(yes|y|no|n)\s+([a-km-z]{5})\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex PermissionAnswer();

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent a pairing code to Telegram user {UserId}")]
    private partial void LogPairingCode(long userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A stranger wrote while {Max} pairings are pending; they get no answer")]
    private partial void LogTooManyPending(int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not answer on Telegram: {Reason}")]
    private partial void LogReplyFailed(string reason);
}
