namespace Serverless.Contracts;

public sealed record PairResponse(
    long UserId,
    long ChatId,
    string Channel);
