using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Functions.Chat.Access;
using Serverless.Functions.Chat.Permissions;
using Serverless.Functions.Events;
using Serverless.Functions.Hooks;
using Serverless.Functions.Questions;
using Serverless.Functions.Sources;

namespace Serverless.Functions.Chat;

/// <summary>
/// What happens to one chat message or button press, whatever the transport: the access gate first
/// (pairing, allowlist, groups), then a message becomes a channel event, a command is answered, or a
/// permission answer or the answer to a question is recorded. Unknown senders never reach the session.
/// </summary>
public sealed partial class ChatConversation(
    ChatTransports transports,
    PermissionDesk permissions,
    QuestionDesk questions,
    EventIngress ingress,
    TimeProvider timeProvider,
    ILogger<ChatConversation> logger)
{
    public static readonly TimeSpan PairingLifetime = TimeSpan.FromHours(1);
    public const int MaxPending = 3;
    public const int MaxRepliesPerSender = 2;

    /// <summary>Handles the message; returns a short description of what was done, for the service's HTTP answer.</summary>
    /// <exception cref="Inbox.InboxUnavailableException">A message could not be stored; the service should retry.</exception>
    public async Task<string> HandleMessageAsync(IChatTransport transport, ChatInboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(message);
        if (transport.Policy == ChatPolicy.Disabled)
        {
            return $"ignored: {transport.DisplayName} access is disabled";
        }

        var access = transports.AccessOf(transport);
        var channels = await access.ChannelsOfUserAsync(message.UserId, cancellationToken);
        if (message.Kind == ChatKind.Private)
        {
            return channels.Count > 0
                ? await FromAllowedAsync(transport, access, message, channels, cancellationToken)
                : await FromStrangerAsync(transport, access, message, cancellationToken);
        }

        // In a group the bot hears replies to its own messages: a reply to a waiting question answers it.
        if (channels.Count > 0 && await AnswerQuestionAsync(transport, message, requireReply: true, cancellationToken) is { } answered)
        {
            return answered;
        }

        var conversation = transport.ConversationOf(message.ChatReference);
        if (channels.Count > 0 && conversation is not null && transport.IsAllowedGroup(conversation) && message.AddressedToBot)
        {
            // A group talks to one channel; only members allowed on that channel reach it.
            var channel = await access.ChannelForChatAsync(conversation, cancellationToken) ?? transport.DefaultChannel;
            return ChannelSet.Allows(channels, channel)
                ? await ForwardAsync(transport, message, channel, cancellationToken)
                : "ignored: sender not allowed on the group's channel";
        }

        return "ignored: group message not for the bot";
    }

    /// <summary>A pressed button: a permission answer or a question's option, from someone allowed on its channel.</summary>
    public async Task<ChatButtonAnswer> HandleButtonAsync(IChatTransport transport, ChatButtonPress press, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(press);
        var parts = press.Data.Split(':');
        if (parts is [QuestionButtons.Prefix, var questionId, var option])
        {
            if (!QuestionLimits.IsQuestionId(questionId) || !int.TryParse(option, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                return new ChatButtonAnswer("Unknown action.");
            }

            var result = await questions.AnswerAsync(questionId, Responder(press.UserId, press.UserName), QuestionChoice.Tapped(index), cancellationToken);
            return new ChatButtonAnswer(result.Message);
        }

        if (parts is not [PermissionDesk.ButtonPrefix, var action, var requestId] || !PermissionDesk.IsRequestId(requestId))
        {
            return new ChatButtonAnswer("Unknown action.");
        }

        if ((await transports.AccessOf(transport).ChannelsOfUserAsync(press.UserId, cancellationToken)).Count == 0)
        {
            return new ChatButtonAnswer("You are not allowed to answer this.");
        }

        return (action, PermissionBehaviorNames.FromWire(action)) switch
        {
            ("more", _) => new ChatButtonAnswer(await permissions.DescribeAsync(transport, requestId, press.UserId, cancellationToken), Alert: true),
            (_, { } behavior) => new ChatButtonAnswer(await permissions.AnswerAsync(transport, requestId, behavior, press.UserId, cancellationToken)),
            _ => new ChatButtonAnswer("Unknown action."),
        };
    }

    private async Task<string> FromAllowedAsync(IChatTransport transport, IChatAccessStore access, ChatInboundMessage message, IReadOnlySet<string> channels, CancellationToken cancellationToken)
    {
        var text = message.Text.Trim();
        var conversation = transport.ConversationOf(message.ChatReference) ?? message.ChatReference;
        await access.RememberChatAsync(message.UserId, conversation, cancellationToken);
        if (PermissionAnswer().Match(text) is { Success: true } answer)
        {
            var behavior = answer.Groups[1].Value.StartsWith('y') ? PermissionBehavior.Allow : PermissionBehavior.Deny;
            var result = await permissions.AnswerAsync(transport, answer.Groups[2].Value.ToLowerInvariant(), behavior, message.UserId, cancellationToken);
            await TellAsync(transport, message.ChatReference, result, cancellationToken);
            return "permission answer";
        }

        if (text.StartsWith("/channel", StringComparison.Ordinal))
        {
            var name = text["/channel".Length..].Trim();
            if (ChannelName.IsValid(name) && ChannelSet.Allows(channels, name))
            {
                await access.BindChatAsync(conversation, name, cancellationToken);
                await TellAsync(transport, message.ChatReference, $"This chat now talks to channel '{name}'.", cancellationToken);
                return "channel switched";
            }

            var current = await ChannelAsync(transport, access, conversation, channels, cancellationToken);
            await TellAsync(transport, message.ChatReference, ChannelName.IsValid(name)
                ? $"You are not paired for channel '{name}': its owner runs relay pair for you on that channel. Still on '{current}'."
                : $"Usage: /channel NAME ({ChannelName.Rule}), one of your channels: {Describe(channels)}. Now: '{current}'.", cancellationToken);
            return ChannelName.IsValid(name) ? "channel refused" : "channel usage";
        }

        if (text is "/start" or "/help" or "/status")
        {
            await TellAsync(transport, message.ChatReference, $"Connected: messages here reach the Claude Code session on channel '{await ChannelAsync(transport, access, conversation, channels, cancellationToken)}'. Your channels: {Describe(channels)}; switch with /channel NAME.", cancellationToken);
            return "help";
        }

        if (await AnswerQuestionAsync(transport, message, requireReply: false, cancellationToken) is { } answered)
        {
            return answered;
        }

        return await ForwardAsync(transport, message, await ChannelAsync(transport, access, conversation, channels, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Text in a chat where a question waits answers it, if the sender may answer the question's channel (in
    /// a group, only a reply to the question). Anything else goes on as an ordinary message.
    /// </summary>
    private async Task<string?> AnswerQuestionAsync(IChatTransport transport, ChatInboundMessage message, bool requireReply, CancellationToken cancellationToken)
    {
        var text = message.Text.Trim();
        if (text.Length == 0 || text.StartsWith('/')
            || await questions.WaitingInChatAsync(message.ChatReference, cancellationToken) is not { } waiting)
        {
            return null;
        }

        if (requireReply && !waiting.Messages.Any(m => m.MessageId == message.ReplyTo))
        {
            return null;
        }

        var result = await questions.AnswerAsync(waiting.Id, Responder(message.UserId, message.UserName), QuestionChoice.Typed(text), cancellationToken);
        return result.Outcome == AnswerOutcome.Answered ? $"question {waiting.Id} answered" : null;
    }

    private async Task<string> FromStrangerAsync(IChatTransport transport, IChatAccessStore access, ChatInboundMessage message, CancellationToken cancellationToken)
    {
        if (transport.Policy != ChatPolicy.Pairing)
        {
            return "ignored: sender not allowed";
        }

        var now = timeProvider.GetUtcNow();
        var pending = await access.FindPendingForUserAsync(message.UserId, cancellationToken);
        if (pending is not null && pending.ExpiresAt > now)
        {
            if (pending.Replies >= MaxRepliesPerSender)
            {
                return "ignored: pairing code already sent";
            }

            await access.SavePendingAsync(pending with { Replies = pending.Replies + 1 }, cancellationToken);
            await TellAsync(transport, message.ChatReference, PairingText(pending.Code), cancellationToken);
            return "pairing code repeated";
        }

        var live = (await access.PendingAsync(cancellationToken)).Where(p => p.ExpiresAt > now && p.UserId != message.UserId).ToList();
        if (live.Count >= MaxPending)
        {
            LogTooManyPending(transport.DisplayName, MaxPending);
            return "ignored: too many pending pairings";
        }

        if (pending is not null)
        {
            await access.TakePendingAsync(pending.Code, cancellationToken);
        }

        var code = PairingCode.New();
        await access.SavePendingAsync(new PendingPairing(code, message.UserId, message.ChatReference, now + PairingLifetime, 1), cancellationToken);
        await TellAsync(transport, message.ChatReference, PairingText(code), cancellationToken);
        LogPairingCode(transport.DisplayName, message.UserId);
        return "pairing code sent";
    }

    private async Task<string> ForwardAsync(IChatTransport transport, ChatInboundMessage message, string channel, CancellationToken cancellationToken)
    {
        // The sender's own words go to the session whole, line breaks and all (the relay bounds the content);
        // attachments are named after them.
        var summary = string.Join('\n', message.Attachments.Prepend(message.Text).Where(l => l.Length > 0));
        var stored = await ingress.AcceptAsync(transport.Name, channel, new EventDraft
        {
            EventType = "message",
            Summary = summary.Length == 0 ? "(an empty message)" : summary,
            Trust = TrustLevel.Allowlisted,
            ChatId = message.ChatReference,
            MessageId = message.MessageId,
            // The stable id is the identity; the name, which its owner can change to anyone's, only travels beside it.
            User = message.UserId,
            UserName = message.UserName == message.UserId ? null : message.UserName,
            ReplyTo = message.ReplyTo,
            Quoted = message.Quoted is { } quoted ? Summary.Clip(quoted, 200) : null,
            DeliveryId = message.DeliveryId,
            Data = message.Data?.DeepClone(),
            DataContentType = message.Data is null ? null : "application/json",
        }, cancellationToken);
        return $"stored {stored.Id}";
    }

    /// <summary>
    /// The channel a private chat talks to: the one it was switched or paired to, while the user is still
    /// allowed on it; else the default channel if allowed; else the first of the user's channels.
    /// </summary>
    private static async Task<string> ChannelAsync(IChatTransport transport, IChatAccessStore access, string conversation, IReadOnlySet<string> channels, CancellationToken cancellationToken)
    {
        if (await access.ChannelForChatAsync(conversation, cancellationToken) is { } bound && ChannelSet.Allows(channels, bound))
        {
            return bound;
        }

        return ChannelSet.Allows(channels, transport.DefaultChannel)
            ? transport.DefaultChannel
            : channels.Order(StringComparer.Ordinal).First();
    }

    /// <summary>
    /// A question's answerer as the session reads it: the stable id, with the name the service shows in
    /// parentheses (anyone can rename themselves "alice", so the name never stands alone).
    /// </summary>
    private static QuestionResponder Responder(string userId, string userName) =>
        new(userId, userName == userId ? userId : $"{userId} ({userName})", userName == userId ? null : userName);

    private static string Describe(IReadOnlySet<string> channels) =>
        channels.Contains(ChannelSet.Every) ? "any channel" : string.Join(", ", channels.Order(StringComparer.Ordinal).Select(c => $"'{c}'"));

    /// <summary>The bot's own answer in the chat; a failure is logged, since the message itself was handled.</summary>
    private async Task TellAsync(IChatTransport transport, string chat, string text, CancellationToken cancellationToken)
    {
        try
        {
            await transport.SendAsync(new ChatOutgoingMessage(chat, text), cancellationToken);
        }
        catch (Exception ex) when (ex is ChatApiException or HttpRequestException)
        {
            LogReplyFailed(transport.DisplayName, ex.Message);
        }
    }

    private static string PairingText(string code) =>
        $"This bot relays to a private Claude Code session. To pair, ask its owner to run:\n\nrelay pair {code}\n\nThe code expires in one hour.";

    [GeneratedRegex(@"\A\s*(yes|y|no|n)\s+([a-km-z]{5})\s*\z", RegexOptions.IgnoreCase)]
    private static partial Regex PermissionAnswer();

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent a pairing code to {Transport} user {UserId}")]
    private partial void LogPairingCode(string transport, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Transport} stranger wrote while {Max} pairings are pending; they get no answer")]
    private partial void LogTooManyPending(string transport, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not answer on {Transport}: {Reason}")]
    private partial void LogReplyFailed(string transport, string reason);
}
