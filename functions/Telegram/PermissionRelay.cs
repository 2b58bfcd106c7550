using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Events;
using Serverless.Functions.Hooks;
using Serverless.Functions.Sources;
using Serverless.Functions.Telegram.Access;

namespace Serverless.Functions.Telegram;

/// <summary>
/// Claude Code's tool-use permission requests on the phone: a message with See more / Allow / Deny
/// buttons to every allowlisted private chat, and the first answer back as a durable event.
/// </summary>
public sealed partial class PermissionRelay(ITelegramAccessStore store, TelegramBotApi bot, EventIngress ingress, ILogger<PermissionRelay> logger)
{
    public static bool IsRequestId(string? id) => id is { Length: 5 } && id.All(c => c is >= 'a' and <= 'z' && c != 'l');

    /// <summary>Sends the request; returns how many chats got it, or null when a request with this id exists already.</summary>
    public async Task<int?> AskAsync(string channel, string requestId, string toolName, string description, string inputPreview, CancellationToken cancellationToken)
    {
        // Recorded first and only once: a relay of another channel cannot take over (or reset) a request
        // by sending its id again.
        var record = new PermissionRequestRecord(requestId, channel, toolName, description, inputPreview, [], null);
        if (!await store.AddPermissionRequestAsync(record, cancellationToken))
        {
            return null;
        }

        // Only the people allowed on this channel see (and can answer) its session's requests.
        var chats = await store.AllowedChatsAsync(channel, cancellationToken);
        var text = Text(toolName, description, requestId);
        var keyboard = new JsonObject
        {
            ["inline_keyboard"] = new JsonArray(
                new JsonArray(Button("See more", $"perm:more:{requestId}")),
                new JsonArray(Button("✅ Allow", $"perm:allow:{requestId}"), Button("❌ Deny", $"perm:deny:{requestId}"))),
        };
        var sent = new List<SentMessage>();
        foreach (var chat in chats)
        {
            var result = await bot.SendMessageAsync(chat, text, null, null, keyboard, cancellationToken);
            if (Json.WholeNumber(result, "message_id") is { } messageId)
            {
                sent.Add(new SentMessage(chat, messageId));
            }
        }

        await store.SavePermissionRequestAsync(record with { Messages = sent }, cancellationToken);
        return sent.Count;
    }

    /// <summary>Records the answer of a user allowed on the request's channel; the text says what happened, for the user.</summary>
    public async Task<string> AnswerAsync(string requestId, PermissionBehavior behavior, long userId, CancellationToken cancellationToken)
    {
        var request = await FindForUserAsync(requestId, userId, cancellationToken);
        if (request is null)
        {
            return $"There is no permission request {requestId}.";
        }

        if (!await store.TryResolvePermissionAsync(requestId, behavior.ToWire(), cancellationToken))
        {
            return $"Request {requestId} was already answered.";
        }

        try
        {
            await ingress.AcceptAsync("telegram", request.Channel, new EventDraft
            {
                EventType = "permission",
                Summary = $"Permission for {request.ToolName}: {behavior.ToWire()} (request {requestId}, answered on Telegram)",
                Trust = TrustLevel.Allowlisted,
                RequestId = requestId,
                Behavior = behavior.ToWire(),
                User = userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                DeliveryId = $"permission:{requestId}",
            }, cancellationToken);
        }
        catch (Inbox.InboxUnavailableException)
        {
            // Undo, so the same button can be pressed again once storage is back.
            await store.SavePermissionRequestAsync(request, cancellationToken);
            return "The answer could not be delivered; please try again.";
        }

        var outcome = behavior == PermissionBehavior.Allow ? "✅ Allowed" : "❌ Denied";
        foreach (var message in request.Messages)
        {
            try
            {
                // Replacing the text drops the buttons, so the request cannot be answered twice.
                await bot.EditMessageTextAsync(message.ChatId, message.MessageId, $"{Text(request.ToolName, request.Description, requestId)}\n\n{outcome}", cancellationToken);
            }
            catch (TelegramApiException ex)
            {
                LogEditFailed(requestId, ex.Message);
            }
        }

        return outcome;
    }

    public async Task<string> DescribeAsync(string requestId, long userId, CancellationToken cancellationToken)
    {
        var request = await FindForUserAsync(requestId, userId, cancellationToken);
        return request is null ? $"There is no permission request {requestId}." : Summary.Clip($"{request.ToolName}: {request.InputPreview}", 200);
    }

    /// <summary>The request, if this user may see it: one of another channel is answered as if it did not exist.</summary>
    private async Task<PermissionRequestRecord?> FindForUserAsync(string requestId, long userId, CancellationToken cancellationToken)
    {
        var request = await store.GetPermissionRequestAsync(requestId, cancellationToken);
        return request is not null && ChannelSet.Allows(await store.ChannelsOfUserAsync(userId, cancellationToken), request.Channel)
            ? request
            : null;
    }

    private static string Text(string toolName, string description, string requestId) =>
        $"🔐 Claude wants to use {toolName}\n{Summary.Clip(description, 1000)}\n\nAnswer with the buttons, or reply \"yes {requestId}\" or \"no {requestId}\".";

    private static JsonObject Button(string text, string data) => new() { ["text"] = text, ["callback_data"] = data };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not replace the buttons of permission request {RequestId}: {Reason}")]
    private partial void LogEditFailed(string requestId, string reason);
}
