using System.Text.Json.Nodes;

namespace Serverless.Functions.Chat;

/// <summary>A message someone wrote to the bot, as every transport describes it to <see cref="ChatConversation"/>.</summary>
public sealed record ChatInboundMessage
{
    public required string UserId { get; init; }

    /// <summary>The name the service shows (a username where it has one): display only, never an identity or used for access.</summary>
    public required string UserName { get; init; }

    /// <summary>Where an answer goes: the chat reference the event carries as <c>chat_id</c> (a Slack thread included).</summary>
    public required string ChatReference { get; init; }

    public required ChatKind Kind { get; init; }

    public required string Text { get; init; }

    public string? MessageId { get; init; }

    /// <summary>In a group: the bot was mentioned or answered, so the message is for it.</summary>
    public bool AddressedToBot { get; init; }

    /// <summary>The message this one answers, and a clip of its text.</summary>
    public string? ReplyTo { get; init; }

    public string? Quoted { get; init; }

    /// <summary>Lines naming attachments, shown after the text.</summary>
    public IReadOnlyList<string> Attachments { get; init; } = [];

    /// <summary>The service's own payload, kept whole as the event's data.</summary>
    public JsonNode? Data { get; init; }

    /// <summary>Unique per message within the transport, so a retried delivery is one event.</summary>
    public required string DeliveryId { get; init; }
}

public enum ChatKind
{
    /// <summary>A direct conversation between one person and the bot.</summary>
    Private,

    /// <summary>A conversation with several people (a Telegram group, a Slack or Discord channel).</summary>
    Group,
}

/// <summary>Someone pressed a button under one of the bot's messages.</summary>
public sealed record ChatButtonPress(string UserId, string UserName, string Data);

/// <summary>What the presser is told (Telegram shows it as a toast or an alert, Slack and Discord only to them).</summary>
public sealed record ChatButtonAnswer(string Text, bool Alert = false);
