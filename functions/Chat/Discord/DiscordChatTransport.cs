using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Discord;

/// <summary>
/// Discord as a chat transport: chat references are <c>discord:CHANNEL_ID</c> for a server channel (a thread
/// is a channel of its own) and <c>discord:@USER_ID</c> for direct messages (<see cref="DiscordIds"/>);
/// message ids are Discord's snowflakes.
/// </summary>
public sealed class DiscordChatTransport(IOptions<DiscordOptions> options, DiscordApi api) : IChatTransport
{
    // A user's direct message channel never changes: asked for once per user and process.
    private readonly ConcurrentDictionary<string, string> _directChannels = new(StringComparer.Ordinal);

    /// <summary>Discord's limit on a message's content.</summary>
    public const int MaxLength = 2000;

    // Discord's limits: five buttons a row, five rows a message, 80 characters a label, 100 a custom_id.
    private const int MaxButtonsPerRow = 5;
    private const int MaxRows = 5;
    private const int MaxLabelLength = 80;

    public string Name => DiscordIds.Transport;

    public string DisplayName => "Discord";

    public bool Enabled => options.Value.Enabled;

    public string EnablingSettings => DiscordOptions.EnablingSettings;

    public int MaxMessageLength => MaxLength;

    public ChatPolicy Policy => options.Value.Policy;

    public string DefaultChannel => options.Value.DefaultChannel;

    public IReadOnlyCollection<string> ConfiguredUsers => [.. options.Value.AllowedUsers];

    public string PrivateChatOf(string userId) => DiscordIds.UserReference(userId);

    public string ReceiptEmoji => options.Value.ReceiptEmoji;

    /// <summary>The reference itself, spelled one way (a bare user id, as the access store keeps configured users, is <c>discord:@USER_ID</c>).</summary>
    public string? ConversationOf(string chatReference) => DiscordIds.Parse(chatReference)?.Reference;

    public string? NotificationChat(string channel) =>
        options.Value.NotificationChats.TryGetValue(channel, out var id) ? DiscordIds.ChannelReference(id) : null;

    public bool IsAllowedGroup(string conversation) =>
        DiscordIds.Parse(conversation) is { IsUser: false } address && options.Value.AllowedChannels.Contains(address.Id);

    public bool WantsReceipt(string chatReference) => (options.Value.Receipts, DiscordIds.Parse(chatReference)) switch
    {
        (ChatReceipts.AllChats, not null) => true,
        (ChatReceipts.PrivateChats, { IsUser: true }) => true,
        _ => false,
    };

    public async Task<ChatMessageRef> SendAsync(ChatOutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var channel = await ChannelAsync(message.ChatReference, cancellationToken);
        var replyTo = message.ReplyTo is null ? null : SnowflakeOrThrow(message.ReplyTo);
        var id = await api.CreateMessageAsync(channel, message.Text, replyTo, Components(message.Buttons), cancellationToken);
        return new ChatMessageRef(message.ChatReference, id);
    }

    public async Task EditAsync(string chatReference, string messageId, string text, ChatTextFormat format, CancellationToken cancellationToken) =>
        await api.EditMessageAsync(await ChannelAsync(chatReference, cancellationToken), SnowflakeOrThrow(messageId), text, cancellationToken);

    public async Task ReactAsync(string chatReference, string messageId, string emoji, CancellationToken cancellationToken) =>
        await api.AddReactionAsync(await ChannelAsync(chatReference, cancellationToken), SnowflakeOrThrow(messageId), emoji, cancellationToken);

    /// <summary>Action rows (type 1) of buttons (type 2); null without buttons, so a message without them carries none.</summary>
    public static JsonArray? Components(IReadOnlyList<IReadOnlyList<ChatButton>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return null;
        }

        var components = new JsonArray();
        foreach (var row in rows.Where(r => r.Count > 0).SelectMany(r => r.Chunk(MaxButtonsPerRow)).Take(MaxRows))
        {
            var buttons = new JsonArray();
            foreach (var button in row)
            {
                buttons.Add(new JsonObject
                {
                    ["type"] = 2,
                    ["style"] = button.Style switch
                    {
                        ChatButtonStyle.Primary => 1,
                        ChatButtonStyle.Danger => 4,
                        _ => 2,
                    },
                    ["label"] = button.Text.Length <= MaxLabelLength ? button.Text : button.Text[..(MaxLabelLength - 1)] + "…",
                    ["custom_id"] = button.Data,
                });
            }

            components.Add(new JsonObject { ["type"] = 1, ["components"] = buttons });
        }

        return components;
    }

    /// <summary>The Discord channel a reference writes to: a server channel as it is, a user's direct message channel as Discord names it.</summary>
    private async Task<string> ChannelAsync(string chatReference, CancellationToken cancellationToken)
    {
        var address = DiscordIds.Parse(chatReference)
            ?? throw new ChatApiException($"'{chatReference}' is not a Discord chat (discord:CHANNEL_ID or discord:@USER_ID).");
        if (!address.IsUser)
        {
            return address.Id;
        }

        if (!_directChannels.TryGetValue(address.Id, out var channel))
        {
            channel = await api.OpenDirectMessageAsync(address.Id, cancellationToken);
            _directChannels[address.Id] = channel;
        }

        return channel;
    }

    private static string SnowflakeOrThrow(string messageId) =>
        DiscordIds.IsSnowflake(messageId) ? messageId : throw new ChatApiException($"'{messageId}' is not a Discord message id.");
}
