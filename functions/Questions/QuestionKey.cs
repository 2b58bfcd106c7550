using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Serverless.Functions.Questions;

/// <summary>
/// What makes two asks the same question: the caller's key, or else the same words, options and chat. Hashed
/// with the channel, so one channel's key never finds another channel's question.
/// </summary>
public static class QuestionKey
{
    public static string Hash(string channel, string? key, string chatId, string text, IReadOnlyList<string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A JSON array, so that no two different asks read as the same string whatever their text holds.
        var identity = JsonSerializer.Serialize<string?[]>(key is not null ? [channel, "key", key] : [channel, "ask", chatId, text, .. options]);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }
}
