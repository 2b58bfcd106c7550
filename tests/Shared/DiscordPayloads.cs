using System.Text.Json.Nodes;

namespace Serverless.Testing;

/// <summary>Interactions shaped as Discord's documentation shows them: the /claude command and a button press.</summary>
public static class DiscordPayloads
{
    /// <summary>
    /// The app's settings for Discord against the fake: application 777, user 42 allowed, server channel 500
    /// allowed, and a relay token of its own for channel default.
    /// </summary>
    public static Dictionary<string, string?> AppSettings(DiscordSigner signer, FakeDiscordApi discord, string botToken, string relayToken) => new()
    {
        ["Discord:PublicKey"] = signer.PublicKeyHex,
        ["Discord:ApplicationId"] = "777",
        ["Discord:BotToken"] = botToken,
        ["Discord:ApiBaseUrl"] = discord.BaseUrl.ToString(),
        ["Discord:AllowedUsers:0"] = "42",
        ["Discord:AllowedChannels:0"] = "500",
        ["Relay:Tokens:0:Secret"] = relayToken,
        ["Relay:Tokens:0:Channels"] = "default",
    };

    public static JsonObject Command(string text, string? guildId, string userId = "42", string channelId = "500", string id = "1100000000000000001") => WithoutNulls(new()
    {
        ["id"] = id,
        ["application_id"] = "777",
        ["type"] = 2,
        ["token"] = "interaction-token-secret",
        ["version"] = 1,
        ["channel_id"] = channelId,
        ["guild_id"] = guildId,
        ["context"] = guildId is null ? 1 : 0,
        [guildId is null ? "user" : "member"] = guildId is null
            ? new JsonObject { ["id"] = userId, ["username"] = "ann", ["global_name"] = "Ann <b>" }
            : new JsonObject { ["user"] = new JsonObject { ["id"] = userId, ["username"] = "ann" }, ["roles"] = new JsonArray() },
        ["data"] = new JsonObject
        {
            ["id"] = "888",
            ["name"] = "claude",
            ["type"] = 1,
            ["options"] = new JsonArray(new JsonObject { ["name"] = "text", ["type"] = 3, ["value"] = text }),
        },
    });

    public static JsonObject Button(string customId, string userId = "42", string? guildId = null, string id = "1100000000000000002") => WithoutNulls(new()
    {
        ["id"] = id,
        ["application_id"] = "777",
        ["type"] = 3,
        ["token"] = "interaction-token-secret",
        ["version"] = 1,
        ["channel_id"] = "500",
        ["guild_id"] = guildId,
        [guildId is null ? "user" : "member"] = guildId is null
            ? new JsonObject { ["id"] = userId, ["username"] = "ann" }
            : new JsonObject { ["user"] = new JsonObject { ["id"] = userId, ["username"] = "ann" } },
        ["message"] = new JsonObject { ["id"] = "600", ["channel_id"] = "500", ["content"] = "Claude wants to run Bash" },
        ["data"] = new JsonObject { ["custom_id"] = customId, ["component_type"] = 2 },
    });

    // Discord leaves out what does not apply (guild_id in a direct message) rather than sending null.
    private static JsonObject WithoutNulls(JsonObject payload)
    {
        foreach (var key in payload.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            payload.Remove(key);
        }

        return payload;
    }
}
