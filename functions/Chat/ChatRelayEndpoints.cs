using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Serverless.Functions.Chat.Permissions;
using Serverless.Functions.Events;
using Serverless.Functions.Hosting;
using Serverless.Functions.Relay;

namespace Serverless.Functions.Chat;

/// <summary>
/// The relay's chat calls, one set for every transport (<c>/api/relay/{transport}/reply</c> and so on), and
/// the transport-neutral ones: permission requests, pairing and capabilities.
/// </summary>
public static class ChatRelayEndpoints
{
    public static IEndpointRouteBuilder MapChatRelay(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/relay").WithMetadata(RequestBodyLimit.RelayApi)
            .AddEndpointFilter(RelayEndpoints.RequireRelayTokenAsync);
        group.MapPost("/{transport}/reply", ReplyAsync).WithName("relay-chat-reply");
        group.MapPost("/{transport}/react", ReactAsync).WithName("relay-chat-react");
        group.MapPost("/{transport}/receipt", ReceiptAsync).WithName("relay-chat-receipt");
        group.MapPost("/{transport}/edit", EditAsync).WithName("relay-chat-edit");
        group.MapPost("/permission", PermissionAsync).WithName("relay-permission");
        group.MapPost("/pair", PairAsync).WithName("relay-pair");
        group.MapGet("/capabilities", CapabilitiesAsync).WithName("relay-capabilities");
        return endpoints;
    }

    private static async Task<Results<Ok<ReplyResponse>, ProblemHttpResult>> ReplyAsync(
        string transport, ReplyRequest body, ChatTransports transports, CancellationToken cancellationToken)
    {
        var formatKnown = ChatTextFormats.TryParse(body.Format, out var format);
        var (target, problem) = await TargetAsync(transports, transport, body, body.ChatId, _ =>
            string.IsNullOrEmpty(body.Text) ? "text is empty."
            : !formatKnown ? "format must be text (the default), markdown or markdownv2."
            : null, cancellationToken);
        if (target is null)
        {
            return problem!;
        }

        var sent = new List<string>();
        var parts = MessageSplitter.Split(body.Text!, target.Transport.MaxMessageLength);
        var formattingDropped = false;
        try
        {
            for (var i = 0; i < parts.Count; i++)
            {
                var message = new ChatOutgoingMessage(target.Reference, parts[i]) { Format = format, ReplyTo = i == 0 ? body.ReplyTo : null };
                ChatMessageRef result;
                try
                {
                    result = await target.Transport.SendAsync(message, cancellationToken);
                }
                catch (ChatApiException ex) when (format != ChatTextFormat.Plain && ex.IsFormatError)
                {
                    // A service refuses markdown with an unescaped reserved character ("CI is green again." in
                    // Telegram's MarkdownV2): the words matter more than the formatting, so they go as plain text.
                    result = await target.Transport.SendAsync(message with { Format = ChatTextFormat.Plain }, cancellationToken);
                    formattingDropped = true;
                }

                sent.Add(result.MessageId);
            }
        }
        catch (ChatApiException ex)
        {
            return BadGateway($"{ex.Message} ({sent.Count} of {parts.Count} part(s) sent)");
        }

        return TypedResults.Ok(new ReplyResponse(target.Reference, sent) { FormattingDropped = formattingDropped ? true : null });
    }

    private static async Task<Results<Ok<ReplyResponse>, ProblemHttpResult>> ReactAsync(
        string transport, ReactRequest body, ChatTransports transports, CancellationToken cancellationToken)
    {
        var (target, problem) = await TargetAsync(transports, transport, body, body.ChatId, _ =>
            string.IsNullOrEmpty(body.Emoji) || string.IsNullOrEmpty(body.MessageId) ? "message_id and emoji are required." : null, cancellationToken);
        return target is null
            ? problem!
            : await CallAsync(async () =>
            {
                await target.Transport.ReactAsync(target.Reference, body.MessageId!, body.Emoji!, cancellationToken);
                return new ReplyResponse(target.Reference, [body.MessageId!]);
            });
    }

    /// <summary>
    /// The relay showed a chat message in the session: the message gets a reaction, so the sender knows the
    /// session has it, in the chats the transport's receipt setting allows (private chats by default).
    /// </summary>
    private static async Task<Results<Ok<ReceiptResponse>, ProblemHttpResult>> ReceiptAsync(
        string transport, ReceiptRequest body, ChatTransports transports, CancellationToken cancellationToken)
    {
        var (target, problem) = await TargetAsync(transports, transport, body, body.ChatId, _ =>
            string.IsNullOrEmpty(body.MessageId) || string.IsNullOrEmpty(body.ChatId) ? "chat_id and message_id are required." : null, cancellationToken);
        if (target is null)
        {
            return problem!;
        }

        var chat = target.Transport;
        return !chat.WantsReceipt(target.Reference)
            ? TypedResults.Ok(new ReceiptResponse(false, $"{chat.DisplayName} receipts are off for this chat ({chat.DisplayName}:Receipts)"))
            : await CallAsync(async () =>
            {
                await chat.ReactAsync(target.Reference, body.MessageId!, chat.ReceiptEmoji, cancellationToken);
                return new ReceiptResponse(true);
            });
    }

    private static async Task<Results<Ok<ReplyResponse>, ProblemHttpResult>> EditAsync(
        string transport, EditRequest body, ChatTransports transports, CancellationToken cancellationToken)
    {
        var (target, problem) = await TargetAsync(transports, transport, body, body.ChatId, chat =>
            string.IsNullOrEmpty(body.Text) || body.Text.Length > chat.MaxMessageLength || string.IsNullOrEmpty(body.MessageId)
                ? $"message_id and a text of 1 to {chat.MaxMessageLength} characters are required."
                : null, cancellationToken);
        return target is null
            ? problem!
            : await CallAsync(async () =>
            {
                await target.Transport.EditAsync(target.Reference, body.MessageId!, body.Text!, ChatTextFormat.Plain, cancellationToken);
                return new ReplyResponse(target.Reference, [body.MessageId!]);
            });
    }

    /// <summary>A chat the relay may write to, through the transport that carries it.</summary>
    private sealed record ChatTarget(IChatTransport Transport, string Reference);

    /// <summary>The transport the route names, then the request's own rule, then the outbound gate for its chat.</summary>
    private static async Task<(ChatTarget? Target, ProblemHttpResult? Problem)> TargetAsync(
        ChatTransports transports, string transport, IChannelScoped body, string? chatId, Func<IChatTransport, string?> invalid, CancellationToken cancellationToken)
    {
        var (chatTransport, problem) = Check(transports, transport, body.Channel);
        if (chatTransport is null)
        {
            return (null, problem);
        }

        if (invalid(chatTransport) is { } message)
        {
            return (null, TypedResults.Problem(message, statusCode: StatusCodes.Status400BadRequest));
        }

        var (reference, error) = await ResolveChatAsync(chatTransport, transports, chatId, body.Channel!, cancellationToken);
        return error is null ? (new ChatTarget(chatTransport, reference), null) : (null, error);
    }

    /// <summary>A call to the chat service; its refusal is a 502 with the service's own words.</summary>
    private static async Task<Results<Ok<T>, ProblemHttpResult>> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return TypedResults.Ok(await call());
        }
        catch (ChatApiException ex)
        {
            return BadGateway(ex.Message);
        }
    }

    private static async Task<Results<Ok<PermissionResponse>, ProblemHttpResult>> PermissionAsync(
        PermissionRequest body, ChatTransports transports, PermissionDesk permissions, CancellationToken cancellationToken)
    {
        if (CheckAny(transports, body.Channel) is { } problem)
        {
            return problem;
        }

        if (!PermissionDesk.IsRequestId(body.RequestId) || string.IsNullOrWhiteSpace(body.ToolName))
        {
            return TypedResults.Problem("request_id (5 letters a-z without l) and tool_name are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            var sent = await permissions.AskAsync(body.Channel!, body.RequestId!, body.ToolName, body.Description ?? string.Empty, body.InputPreview ?? string.Empty, cancellationToken);
            return sent switch
            {
                null => TypedResults.Problem($"A permission request {body.RequestId} exists already.", statusCode: StatusCodes.Status409Conflict),
                0 => TypedResults.Problem($"No paired chat to ask on channel '{body.Channel}'.", statusCode: StatusCodes.Status409Conflict),
                _ => TypedResults.Ok(new PermissionResponse(sent.Value)),
            };
        }
        catch (ChatApiException ex)
        {
            return BadGateway(ex.Message);
        }
    }

    private static async Task<Results<Ok<PairResponse>, ProblemHttpResult>> PairAsync(
        PairRequest body, ChatTransports transports, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (CheckAny(transports, body.Channel) is { } problem)
        {
            return problem;
        }

        // A code names its transport by being found in that transport's store; codes are random, so two
        // transports holding the same one at once is a chance not worth a prefix the owner must type.
        var code = PairingCode.Normalize(body.Code ?? string.Empty);
        foreach (var transport in code.Length == 0 ? [] : transports.Enabled)
        {
            var access = transports.AccessOf(transport);
            var pending = await access.TakePendingAsync(code, cancellationToken);
            if (pending is null)
            {
                continue;
            }

            if (pending.ExpiresAt <= timeProvider.GetUtcNow())
            {
                break;
            }

            var conversation = transport.ConversationOf(pending.Chat) ?? pending.Chat;
            try
            {
                // The person is allowed on this relay's channel only; another channel's owner pairs them for theirs.
                await access.AllowAsync(pending.UserId, pending.Chat, body.Channel!, cancellationToken);
                await access.BindChatAsync(conversation, body.Channel!, cancellationToken);
            }
            catch
            {
                // The code was taken first (so it works once); give it back, so the owner can try again.
                await access.SavePendingAsync(pending, CancellationToken.None);
                throw;
            }

            try
            {
                await transport.SendAsync(new ChatOutgoingMessage(pending.Chat, $"Paired ✅ Your messages now reach the Claude Code session on channel '{body.Channel}'."), cancellationToken);
            }
            catch (Exception ex) when (ex is ChatApiException or HttpRequestException)
            {
                // Pairing stands; the confirmation is a courtesy.
            }

            return TypedResults.Ok(new PairResponse(pending.UserId, pending.Chat, body.Channel!) { Transport = transport.Name });
        }

        return TypedResults.Problem($"Pairing code '{code}' is unknown or has expired; ask the sender to write to the bot again for a new one.", statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<CapabilitiesResponse>, ProblemHttpResult>> CapabilitiesAsync(
        HttpRequest request, ChatTransports transports, CancellationToken cancellationToken)
    {
        if (!RelayEndpoints.TryQueryChannel(request, out var channel, out var problem))
        {
            return problem;
        }

        var paired = false;
        var enabled = new List<string>();
        string? notifies = null;
        foreach (var transport in transports.Enabled)
        {
            enabled.Add(transport.Name);
            notifies ??= transport.NotificationChat(channel) is null ? null : transport.Name;
            paired = paired || (await transports.AccessOf(transport).AllowedChatsAsync(channel, cancellationToken)).Any(c => transport.ConversationOf(c) is not null);
        }

        return TypedResults.Ok(new CapabilitiesResponse(transports.Find("telegram")?.Enabled == true, paired)
        {
            Transports = enabled,
            NotificationTransport = notifies,
        });
    }

    private static (IChatTransport? Transport, ProblemHttpResult? Problem) Check(ChatTransports transports, string name, string? channel)
    {
        var transport = transports.Find(name);
        if (transport is null)
        {
            return (null, TypedResults.Problem($"There is no chat transport '{name}': {string.Join(", ", transports.All.Select(t => t.Name))}.", statusCode: StatusCodes.Status404NotFound));
        }

        if (!transport.Enabled)
        {
            return (null, TypedResults.Problem($"{transport.DisplayName} is not configured on the function app ({transport.EnablingSettings}).", statusCode: StatusCodes.Status404NotFound));
        }

        return ChannelName.IsValid(channel)
            ? (transport, null)
            : (null, TypedResults.Problem($"Invalid or missing channel: {ChannelName.Rule}.", statusCode: StatusCodes.Status400BadRequest));
    }

    private static ProblemHttpResult? CheckAny(ChatTransports transports, string? channel)
    {
        if (!transports.Enabled.Any())
        {
            return TypedResults.Problem(
                $"No chat is configured on the function app ({string.Join("; ", transports.All.Select(t => t.EnablingSettings))}).",
                statusCode: StatusCodes.Status404NotFound);
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
    internal static async Task<(string Reference, ProblemHttpResult? Error)> ResolveChatAsync(
        IChatTransport transport, ChatTransports transports, string? chatId, string channel, CancellationToken cancellationToken)
    {
        var notification = transport.NotificationChat(channel);
        if (string.IsNullOrEmpty(chatId))
        {
            return notification is { } id
                ? (id, null)
                : (string.Empty, TypedResults.Problem($"No chat_id, and no notification chat for channel '{channel}' ({transport.DisplayName}:NotificationChats:{channel}).", statusCode: StatusCodes.Status400BadRequest));
        }

        if (transport.ConversationOf(chatId) is not { } conversation)
        {
            return (string.Empty, TypedResults.Problem($"chat_id '{chatId}' is not a {transport.DisplayName} chat.", statusCode: StatusCodes.Status400BadRequest));
        }

        var access = transports.AccessOf(transport);
        var allowed = (notification is not null && transport.ConversationOf(notification) == conversation)
            || (transport.IsAllowedGroup(conversation) && (await access.ChannelForChatAsync(conversation, cancellationToken) ?? transport.DefaultChannel) == channel)
            || (await access.AllowedChatsAsync(channel, cancellationToken)).Any(c => transport.ConversationOf(c) == conversation);
        return allowed
            ? (chatId, null)
            : (string.Empty, TypedResults.Problem($"Chat {chatId} is not an allowed chat of channel '{channel}'; replies go only to chats paired for this channel, allowed groups that talk to it and its notification chat.", statusCode: StatusCodes.Status403Forbidden));
    }

    private static ProblemHttpResult BadGateway(string message) =>
        TypedResults.Problem(message, statusCode: StatusCodes.Status502BadGateway);
}
