namespace Serverless.Functions.Questions;

/// <summary>How the question's text is read by the chat: plain text unless Claude asks for formatting.</summary>
public enum QuestionFormat
{
    Text,
    MarkdownV2,
}
