namespace Serverless.Functions.Questions;

/// <summary>An answer as given: a tapped option (by index) or typed text.</summary>
public sealed record QuestionChoice(int? Option, string? Text)
{
    public static QuestionChoice Tapped(int option) => new(option, null);

    public static QuestionChoice Typed(string text) => new(null, text);
}
