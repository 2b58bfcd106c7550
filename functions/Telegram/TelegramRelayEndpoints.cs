using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Hooks;
using Serverless.Functions.Hosting;
using Serverless.Functions.Relay;
using Serverless.Functions.Telegram.Access;

namespace Serverless.Functions.Telegram;

/// <summary>The relay's Telegram calls: reply, react, edit, permission requests, pairing and capabilities.</summary>
public static class TelegramRelayEndpoints
{
    public static IEndpointRouteBuilder MapTelegramRelay(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/relay").WithMetadata(RequestBodyLimit.RelayApi)
            .AddEndpointFilter(RelayEndpoints.RequireRelayTokenAsync);
        group.MapPost("/telegram/reply", ReplyAsync).WithName("relay-telegram-reply");
        group.MapPost("/telegram/react", ReactAsync).WithName("relay-telegram-react");
        group.MapPost("/telegram/receipt", ReceiptAsync).WithName("relay-telegram-receipt");
        group.MapPost("/telegram/edit", EditAsync).WithName("relay-telegram-edit");
        group.MapPost("/permission", PermissionAsync).WithName("relay-permission");
        group.MapPost("/pair", PairAsync).WithName("relay-pair");
        group.MapGet("/capabilities", CapabilitiesAsync).WithName("relay-capabilities");
        return endpoints;
    }

    private static async Task<Results<Ok<ReplyResponse>, ProblemHttpResult>> ReplyAsync(
        ReplyRequest body, IOptions<TelegramOptions> options, ITelegramAccessStore store, TelegramBotApi bot, CancellationToken cancellationToken)
    {
        if (Check(body.Channel, options.Value) is { } problem)
        {
            return problem;
        }

        if (string.IsNullOrEmpty(body.Text))
        {
            return TypedResults.Problem("text is empty.", statusCode: StatusCodes.Status400BadRequest);
        }

        string? parseMode = body.Format?.ToLowerInvariant() switch
        {
            null or "" or "text" or "plain" => null,
            "markdownv2" => "MarkdownV2",
            _ => "unsupported",
        };
        if (parseMode == "unsupported")
        {
            return TypedResults.Problem("format must be text (the default) or markdownv2.", statusCode: StatusCodes.Status400BadRequest);
        }

        var chat = await ResolveChatAsync(body.ChatId, body.Channel!, options.Value, store, cancellationToken);
        if (chat.Error is not null)
        {
            return chat.Error;
        }

        var sent = new List<long>();
        var parts = MessageSplitter.Split(body.Text);
        var formattingDropped = false;
        try
        {
            for (var i = 0; i < parts.Count; i++)
            {
                var replyTo = i == 0 ? body.ReplyTo : null;
                JsonNode? result;
                try
                {
                    result = await bot.SendMessageAsync(chat.Id, parts[i], parseMode, replyTo, null, cancellationToken);
                }
                catch (TelegramApiException ex) when (parseMode is not null && ex.IsEntityParseError)
                {
                    // Telegram refuses MarkdownV2 with an unescaped reserved character ("CI is green again."):
                    // the words matter more than the formatting, so they go as plain text, and the tool says so.
                    result = await bot.SendMessageAsync(chat.Id, parts[i], null, replyTo, null, cancellationToken);
                    formattingDropped = true;
                }

                sent.Add(Sources.Json.WholeNumber(result, "message_id") ?? 0);
            }
        }
        catch (TelegramApiException ex)
        {
            return BadGateway($"{ex.Message} ({sent.Count} of {parts.Count} part(s) sent)");
        }

        return TypedResults.Ok(new ReplyResponse(chat.Id, sent) { FormattingDropped = formattingDropped ? true : null });
    }

    private static async Task<Results<Ok<ReplyResponse>, ProblemHttpResult>> ReactAsync(
        ReactRequest body, IOptions<TelegramOptions> options, ITelegramAccessStore store, TelegramBotApi bot, CancellationToken cancellationToken)
    {
        if (Check(body.Channel, options.Value) is { } problem)
        {
            return problem;
        }

        if (string.IsNullOrEmpty(body.Emoji) || body.MessageId <= 0)
        {
            return TypedResults.Problem("message_id and emoji are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        var chat = await ResolveChatAsync(body.ChatId, body.Channel!, options.Value, store, cancellationToken);
        if (chat.Error is not null)
        {
            return chat.Error;
        }

        try
        {
            await bot.SetReactionAsync(chat.Id, body.MessageId, body.Emoji, cancellationToken);
        }
        catch (TelegramApiException ex)
        {
            return BadGateway(ex.Message);
        }

        return TypedResults.Ok(new ReplyResponse(chat.Id, [body.MessageId]));
    }

    /// <summary>
    /// The relay showed a chat message in the session: the message gets a reaction, so the sender knows the
    /// session has it, in the chats <see cref="TelegramOptions.Receipts"/> allows (private chats by default).
    /// </summary>
    private static async Task<Results<Ok<ReceiptResponse>, ProblemHttpResult>> ReceiptAsync(
        ReceiptRequest body, IOptions<TelegramOptions> options, ITelegramAccessStore store, TelegramBotApi bot, CancellationToken cancellationToken)
    {
        if (Check(body.Channel, options.Value) is { } problem)
        {
            return problem;
        }

        if (body.MessageId <= 0 || string.IsNullOrEmpty(body.ChatId))
        {
            return TypedResults.Problem("chat_id and message_id are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        var chat = await ResolveChatAsync(body.ChatId, body.Channel!, options.Value, store, cancellationToken);
        if (chat.Error is not null)
        {
            return chat.Error;
        }

        // Telegram gives private chats the user's (positive) id and groups negative ids.
        var wanted = options.Value.Receipts switch
        {
            TelegramReceipts.AllChats => true,
            TelegramReceipts.PrivateChats => chat.Id > 0,
            _ => false,
        };
        if (!wanted)
        {
            return TypedResults.Ok(new ReceiptResponse(false, $"Telegram:Receipts is {options.Value.Receipts}"));
        }

        try
        {
            await bot.SetReactionAsync(chat.Id, body.MessageId, options.Value.ReceiptEmoji, cancellationToken);
        }
        catch (TelegramApiException ex)
        {
            return BadGateway(ex.Message);
        }

        return TypedResults.Ok(new ReceiptResponse(true));
    }

    private static async Task<Results<Ok<ReplyResponse>, ProblemHttpResult>> EditAsync(
        EditRequest body, IOptions<TelegramOptions> options, ITelegramAccessStore store, TelegramBotApi bot, CancellationToken cancellationToken)
    {
        if (Check(body.Channel, options.Value) is { } problem)
        {
            return problem;
        }

        if (string.IsNullOrEmpty(body.Text) || body.Text.Length > MessageSplitter.MaxLength || body.MessageId <= 0)
        {
            return TypedResults.Problem($"message_id and a text of 1 to {MessageSplitter.MaxLength} characters are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        var chat = await ResolveChatAsync(body.ChatId, body.Channel!, options.Value, store, cancellationToken);
        if (chat.Error is not null)
        {
            return chat.Error;
        }

        try
        {
            await bot.EditMessageTextAsync(chat.Id, body.MessageId, body.Text, cancellationToken);
        }
        catch (TelegramApiException ex)
        {
            return BadGateway(ex.Message);
        }

        return TypedResults.Ok(new ReplyResponse(chat.Id, [body.MessageId]));
    }

    private static async Task<Results<Ok<PermissionResponse>, ProblemHttpResult>> PermissionAsync(
        PermissionRequest body, IOptions<TelegramOptions> options, PermissionRelay permissions, CancellationToken cancellationToken)
    {
        if (Check(body.Channel, options.Value) is { } problem)
        {
            return problem;
        }

        if (!PermissionRelay.IsRequestId(body.RequestId) || string.IsNullOrWhiteSpace(body.ToolName))
        {
            return TypedResults.Problem("request_id (5 letters a-z without l) and tool_name are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            var sent = await permissions.AskAsync(body.Channel!, body.RequestId!, body.ToolName, body.Description ?? string.Empty, body.InputPreview ?? string.Empty, cancellationToken);
            return sent switch
            {
                null => TypedResults.Problem($"A permission request {body.RequestId} exists already.", statusCode: StatusCodes.Status409Conflict),
                0 => TypedResults.Problem("No paired Telegram chat to ask.", statusCode: StatusCodes.Status409Conflict),
                _ => TypedResults.Ok(new PermissionResponse(sent.Value)),
            };
        }
        catch (TelegramApiException ex)
        {
            return BadGateway(ex.Message);
        }
    }

    private static async Task<Results<Ok<PairResponse>, ProblemHttpResult>> PairAsync(
        PairRequest body, IOptions<TelegramOptions> options, ITelegramAccessStore store, TelegramBotApi bot, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (Check(body.Channel, options.Value) is { } problem)
        {
            return problem;
        }

        var code = PairingCode.Normalize(body.Code ?? string.Empty);
        var pending = code.Length == 0 ? null : await store.TakePendingAsync(code, cancellationToken);
        if (pending is null || pending.ExpiresAt <= timeProvider.GetUtcNow())
        {
            return TypedResults.Problem($"Pairing code '{code}' is unknown or has expired; ask the sender to write to the bot again for a new one.", statusCode: StatusCodes.Status404NotFound);
        }

        try
        {
            // The person is allowed on this relay's channel only; another channel's owner pairs them for theirs.
            await store.AllowAsync(pending.UserId, pending.ChatId, body.Channel!, cancellationToken);
            await store.BindChatAsync(pending.ChatId, body.Channel!, cancellationToken);
        }
        catch
        {
            // The code was taken first (so it works once); give it back, so the owner can try again.
            await store.SavePendingAsync(pending, CancellationToken.None);
            throw;
        }
        try
        {
            await bot.SendMessageAsync(pending.ChatId, $"Paired ✅ Your messages now reach the Claude Code session on channel '{body.Channel}'.", null, null, null, cancellationToken);
        }
        catch (TelegramApiException)
        {
            // Pairing stands; the confirmation is a courtesy.
        }

        return TypedResults.Ok(new PairResponse(pending.UserId, pending.ChatId, body.Channel!));
    }

    private static async Task<Results<Ok<CapabilitiesResponse>, ProblemHttpResult>> CapabilitiesAsync(
        HttpRequest request, IOptions<TelegramOptions> options, ITelegramAccessStore store, CancellationToken cancellationToken)
    {
        if (!RelayEndpoints.TryQueryChannel(request, out var channel, out var problem))
        {
            return problem;
        }

        var enabled = options.Value.Enabled;
        var paired = enabled && (await store.AllowedChatsAsync(channel, cancellationToken)).Count > 0;
        return TypedResults.Ok(new CapabilitiesResponse(enabled, paired));
    }

    private static ProblemHttpResult? Check(string? channel, TelegramOptions options)
    {
        if (!options.Enabled)
        {
            return TypedResults.Problem("Telegram is not configured on the function app (Telegram:BotToken).", statusCode: StatusCodes.Status404NotFound);
        }

        return ChannelName.IsValid(channel)
            ? null
            : TypedResults.Problem($"Invalid or missing channel: {ChannelName.Rule}.", statusCode: StatusCodes.Status400BadRequest);
    }

    /// <summary>
    /// The outbound gate: only chats the inbound gate would accept for this channel (the private chat of a
    /// user allowed on it, an allowed group that talks to it) or the channel's notification chat; no
    /// chat_id means the notification chat.
    /// </summary>
    internal static async Task<(long Id, ProblemHttpResult? Error)> ResolveChatAsync(
        string? chatId, string channel, TelegramOptions options, ITelegramAccessStore store, CancellationToken cancellationToken)
    {
        var notification = options.NotificationChats.TryGetValue(channel, out var n) ? n : (long?)null;
        if (string.IsNullOrEmpty(chatId))
        {
            return notification is { } id
                ? (id, null)
                : (0, TypedResults.Problem($"No chat_id, and no notification chat for channel '{channel}' (Telegram:NotificationChats:{channel}).", statusCode: StatusCodes.Status400BadRequest));
        }

        if (!long.TryParse(chatId, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var chat))
        {
            return (0, TypedResults.Problem("chat_id must be a Telegram chat id (a number).", statusCode: StatusCodes.Status400BadRequest));
        }

        var allowed = chat == notification
            || (options.AllowedGroups.Contains(chat) && (await store.ChannelForChatAsync(chat, cancellationToken) ?? options.DefaultChannel) == channel)
            || (await store.AllowedChatsAsync(channel, cancellationToken)).Contains(chat);
        return allowed
            ? (chat, null)
            : (0, TypedResults.Problem($"Chat {chat} is not an allowed chat of channel '{channel}'; replies go only to chats paired for this channel, allowed groups that talk to it and its notification chat.", statusCode: StatusCodes.Status403Forbidden));
    }

    private static ProblemHttpResult BadGateway(string message) =>
        TypedResults.Problem(message, statusCode: StatusCodes.Status502BadGateway);
}
