namespace Serverless.Functions.Questions;

/// <summary>The chat service did not take the question; the message says why (never a token).</summary>
public sealed class QuestionNotSentException : Exception
{
    public QuestionNotSentException()
    {
    }

    public QuestionNotSentException(string message)
        : base(message)
    {
    }

    public QuestionNotSentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
