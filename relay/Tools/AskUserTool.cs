using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using Serverless.Contracts;
using Serverless.Relay.Connection;
using Serverless.Relay.Questions;

namespace Serverless.Relay.Tools;

/// <summary>Claude asks its owner from anywhere: a question in the chat, answered with a tap or a typed reply.</summary>
[McpServerToolType]
[SuppressMessage("Naming", "CA1707", Justification = "Tool arguments use the channel's snake_case names (chat_id, timeout_seconds).")]
public sealed class AskUserTool(AskUser askUser)
{
    public const string Name = "ask_user";

    [McpServerTool(Name = Name, Destructive = false, Idempotent = true, OpenWorld = true)]
    [Description(
        "Asks the user (this session's owner) a question in their chat (Telegram) and waits for the answer: one button per option, "
        + "or a typed reply. Use it before risky or irreversible steps (deploying, touching production, deleting data) and whenever you "
        + "need a decision while the user is away from the terminal. Returns the option chosen or the text typed, and who answered; only "
        + "people allowed on this channel can answer. If nobody answers within timeout_seconds it returns \"No answer within N minutes\": "
        + "then do what your instructions say for that case. One question per chat is open at a time; asking while another waits there "
        + "fails with a message saying so. Idempotent: asking again with the same key (by default: the same question, options and chat) "
        + "while it waits, or within an hour of its answer, returns that question and its answer instead of asking twice (so after a "
        + "relay restart, ask again the same way); pass a new key to ask the same words afresh. Cancelling the call withdraws the question.")]
    public async Task<string> AskUserAsync(
        [Description("The question, plain text (at most 3,000 characters).")] string question,
        IProgress<ProgressNotificationValue> progress,
        [Description("Up to 10 short answers, one button each (at most 64 characters); the user may also type another answer. Omit for a free-text question.")] string[]? options = null,
        [Description("The chat to ask in: a chat_id from a channel tag. Omit for the channel's notification chat.")] string? chat_id = null,
        [Description("Seconds to wait for an answer: default 600 (10 minutes), at most 86400 (24 hours).")] int? timeout_seconds = null,
        [Description("Idempotency key: the same key returns the same question (and its answer). Default: derived from the question, options and chat.")] string? key = null,
        [Description("'text' (default) or 'markdownv2' for Telegram MarkdownV2 formatting of the question.")] string? format = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            return await askUser.AskAsync(new AskRequest(null, question, options, chat_id, timeout_seconds, key, format), progress, cancellationToken);
        }
        catch (RelayApiException ex)
        {
            throw new McpException(ex.Message, ex);
        }
    }
}
