using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using Serverless.Contracts;
using Serverless.Relay.Connection;

namespace Serverless.Relay.Tools;

/// <summary>Answering in the chat a message came from (Telegram, Slack or Discord), as in Anthropic's Telegram channel: reply, react, edit_message.</summary>
[McpServerToolType]
[SuppressMessage("Naming", "CA1707", Justification = "Tool arguments use the channel's snake_case names (chat_id, message_id).")]
public sealed class ChatTools(IChatApi chat)
{
    /// <summary>
    /// The SDK's options, but a string argument may come as a number: Telegram's chat and message ids are
    /// numbers in its channel tags' examples, and a model passes them as numbers as often as not.
    /// </summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new(McpJsonUtilities.DefaultOptions)
    {
        Converters = { new NumberOrStringConverter() },
    };

    [McpServerTool(Name = "reply")]
    [Description("Sends a message to a chat: pass back the chat_id of the channel tag you answer (it names the chat service and, on Slack, the thread). Without chat_id it goes to the channel's notification chat (for webhook events). Long text is split into several messages.")]
    public async Task<string> ReplyAsync(
        [Description("The text to send.")] string text,
        [Description("The chat_id attribute of the message you answer; omit it for the channel's notification chat.")] string? chat_id = null,
        [Description("A message_id to reply to, so it shows as a quote.")] string? reply_to = null,
        [Description("'text' (default) or 'markdown' (Telegram MarkdownV2, Slack mrkdwn, Discord markdown; 'markdownv2' is accepted too).")] string? format = null,
        CancellationToken cancellationToken = default)
    {
        var result = await CallAsync(() => chat.ReplyAsync(chat_id, text, reply_to, format, cancellationToken));
        var dropped = result.FormattingDropped == true
            ? " The chat refused the markdown (in Telegram MarkdownV2 a reserved character such as . ! - = # + { } must be escaped with \\), so it went as plain text."
            : string.Empty;
        return $"Sent to chat {result.ChatId} as message(s) {string.Join(", ", result.MessageIds ?? [])}.{dropped}";
    }

    [McpServerTool(Name = "react")]
    [Description("Adds an emoji reaction to a chat message.")]
    public async Task<string> ReactAsync(
        [Description("The chat_id attribute of the message.")] string chat_id,
        [Description("The message_id attribute of the message.")] string message_id,
        [Description("One emoji the chat allows as a reaction, e.g. 👍 or 👀 (Slack also takes a reaction name such as eyes).")] string emoji,
        CancellationToken cancellationToken = default)
    {
        await CallAsync(() => chat.ReactAsync(chat_id, message_id, emoji, cancellationToken));
        return $"Reacted {emoji} to message {message_id}.";
    }

    [McpServerTool(Name = "edit_message")]
    [Description("Replaces the text of a message this bot sent earlier (for progress updates).")]
    public async Task<string> EditMessageAsync(
        [Description("The chat the message is in.")] string chat_id,
        [Description("The id of the bot's message, as returned by reply.")] string message_id,
        [Description("The new text (at most one message long: 4,096 characters on Telegram).")] string text,
        CancellationToken cancellationToken = default)
    {
        await CallAsync(() => chat.EditAsync(chat_id, message_id, text, cancellationToken));
        return $"Edited message {message_id}.";
    }

    private static async Task<ReplyResponse> CallAsync(Func<Task<ReplyResponse>> call)
    {
        try
        {
            return await call();
        }
        catch (RelayApiException ex)
        {
            throw new McpException(ex.Message, ex);
        }
    }
}
