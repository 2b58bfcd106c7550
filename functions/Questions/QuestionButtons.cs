namespace Serverless.Functions.Questions;

/// <summary>A question's option buttons carry <c>ask:{questionId}:{option}</c>, on every chat transport.</summary>
public static class QuestionButtons
{
    public const string Prefix = "ask";

    public static string Data(string questionId, int option) => $"{Prefix}:{questionId}:{option}";
}
