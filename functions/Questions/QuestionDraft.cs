using System.Diagnostics.CodeAnalysis;

namespace Serverless.Functions.Questions;

/// <summary>An ask that passed every rule of <see cref="QuestionLimits"/>; its chat is not checked yet.</summary>
public sealed record QuestionDraft(
    string Channel,
    string Text,
    IReadOnlyList<string> Options,
    string? ChatId,
    int TimeoutSeconds,
    string? Key,
    QuestionFormat Format)
{
    /// <summary>Checks the request; <paramref name="error"/> says what to change.</summary>
    public static bool TryCreate(AskRequest body, [NotNullWhen(true)] out QuestionDraft? draft, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(body);
        draft = null;
        error = Check(body, out var text, out var options, out var format);
        if (error is not null)
        {
            return false;
        }

        draft = new QuestionDraft(
            body.Channel!,
            text,
            options,
            string.IsNullOrEmpty(body.ChatId) ? null : body.ChatId,
            body.TimeoutSeconds ?? QuestionLimits.DefaultTimeoutSeconds,
            body.Key,
            format);
        return true;
    }

    private static string? Check(AskRequest body, out string text, out IReadOnlyList<string> options, out QuestionFormat format)
    {
        text = body.Question?.Trim() ?? string.Empty;
        options = [.. (body.Options ?? []).Select(o => o?.Trim() ?? string.Empty)];
        format = QuestionFormat.Text;
        if (!ChannelName.IsValid(body.Channel))
        {
            return $"Invalid or missing channel: {ChannelName.Rule}.";
        }

        if (text.Length is 0 or > QuestionLimits.MaxQuestionLength)
        {
            return $"question must be 1 to {QuestionLimits.MaxQuestionLength} characters.";
        }

        if (options.Count > QuestionLimits.MaxOptions)
        {
            return $"options may hold at most {QuestionLimits.MaxOptions} answers (one button each); the user can always type another.";
        }

        if (options.Any(o => o.Length is 0 or > QuestionLimits.MaxOptionLength || o.Any(char.IsControl)))
        {
            return $"Each option must be 1 to {QuestionLimits.MaxOptionLength} characters on one line (it is a button's label).";
        }

        if (options.Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.Count)
        {
            return "options must differ from each other (ignoring case), or the answer could not tell them apart.";
        }

        if (body.TimeoutSeconds is < 1 or > QuestionLimits.MaxTimeoutSeconds)
        {
            return $"timeout_seconds must be 1 to {QuestionLimits.MaxTimeoutSeconds} (24 hours); the default is {QuestionLimits.DefaultTimeoutSeconds}.";
        }

        if (body.Key is { } key && (key.Length is 0 or > QuestionLimits.MaxKeyLength || key.Any(char.IsControl)))
        {
            return $"key must be 1 to {QuestionLimits.MaxKeyLength} characters without control characters.";
        }

        switch (body.Format?.ToLowerInvariant())
        {
            case null or "" or "text" or "plain":
                return null;
            case "markdownv2":
                format = QuestionFormat.MarkdownV2;
                return null;
            default:
                return "format must be text (the default) or markdownv2.";
        }
    }
}
