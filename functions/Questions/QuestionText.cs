using System.Text;
using Serverless.Functions.Sources;

namespace Serverless.Functions.Questions;

/// <summary>
/// A question as the owner sees it in the chat: who asks, the question, and either how to answer or how it
/// ended. Plain text unless the question asked for MarkdownV2 (Telegram's), in which case the bot's own words
/// are escaped; other chat services get the plain form.
/// </summary>
public static class QuestionText
{
    // Telegram's MarkdownV2 reserves these; each must be preceded by a backslash to show as itself.
    private const string MarkdownV2Reserved = "_*[]()~`>#+-=|{}.!\\";

    public static string? ParseMode(QuestionRecord question) =>
        question?.Format == QuestionFormat.MarkdownV2 ? "MarkdownV2" : null;

    /// <summary>The question with its answering hint, as first sent.</summary>
    public static string Open(QuestionRecord question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var hint = question.Options.Count > 0 ? "Tap an answer, or reply with your own." : "Reply with your answer.";
        return $"{Header(question)}\n\n{Own(question, $"{hint} Closes in {QuestionLimits.Describe(question.TimeoutSeconds)}.")}";
    }

    /// <summary>The question with its outcome instead of the hint (the edit that drops the buttons).</summary>
    public static string Closed(QuestionRecord question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var outcome = question.State switch
        {
            QuestionState.Answered => $"✅ {question.AnsweredBy} answered: {Summary.Clip(question.Answer ?? string.Empty, 500)}",
            QuestionState.Expired => $"⌛ No answer within {QuestionLimits.Describe(question.TimeoutSeconds)}; Claude was told so.",
            QuestionState.Withdrawn => "↩️ Withdrawn: Claude no longer waits for an answer.",
            _ => "Closed.",
        };
        return $"{Header(question)}\n\n{Own(question, outcome)}";
    }

    private static string Header(QuestionRecord question) =>
        $"{Own(question, $"❓ Claude asks (channel '{question.Channel}'):")}\n\n{question.Text}";

    /// <summary>The bot's own words: escaped when the message is MarkdownV2, so they show as written.</summary>
    private static string Own(QuestionRecord question, string text)
    {
        if (question.Format != QuestionFormat.MarkdownV2)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (MarkdownV2Reserved.Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
