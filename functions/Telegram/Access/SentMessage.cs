namespace Serverless.Functions.Telegram.Access;

/// <summary>A message the bot sent, so it can be edited later.</summary>
public sealed record SentMessage(long ChatId, long MessageId);
