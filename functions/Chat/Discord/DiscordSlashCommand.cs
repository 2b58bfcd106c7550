using System.Text.Json.Nodes;

namespace Serverless.Functions.Chat.Discord;

/// <summary>
/// The one slash command, <c>/claude text:...</c>: what it sends goes to the session, and the session's
/// conversation commands (<c>/status</c>, <c>/channel NAME</c>, <c>yes abcde</c>) go through it too.
/// </summary>
public static class DiscordSlashCommand
{
    public const string Name = "claude";

    public const string TextOption = "text";

    /// <summary>The longest text the command takes (Discord allows up to 6,000).</summary>
    public const int MaxTextLength = 4000;

    /// <summary>
    /// The command list for Discord's bulk overwrite: a chat-input command usable in servers (context 0) and in
    /// the bot's direct messages (context 1), installed to servers (integration type 0). Group DMs are left
    /// out: the bot cannot write there.
    /// </summary>
    public static JsonArray Definitions() =>
    [
        new JsonObject
        {
            ["name"] = Name,
            ["type"] = 1,
            ["description"] = "Send a message to the Claude Code session",
            ["options"] = new JsonArray(new JsonObject
            {
                ["type"] = 3,
                ["name"] = TextOption,
                ["description"] = "What to send (or /status, /channel NAME, yes CODE, no CODE)",
                ["required"] = true,
                ["max_length"] = MaxTextLength,
            }),
            ["contexts"] = new JsonArray(0, 1),
            ["integration_types"] = new JsonArray(0),
        },
    ];
}
