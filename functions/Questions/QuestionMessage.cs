namespace Serverless.Functions.Questions;

/// <summary>A chat message that carries a question, named the transport's way (Telegram: numbers; Slack: a channel and a timestamp).</summary>
public sealed record QuestionMessage(string ChatId, string MessageId);
