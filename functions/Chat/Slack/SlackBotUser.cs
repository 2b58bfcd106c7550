using Microsoft.Extensions.Options;

namespace Serverless.Functions.Chat.Slack;

/// <summary>
/// The bot's own user id, so its own messages are ignored and its mention is cut from a message's text:
/// <c>Slack:BotUserId</c>, else what an event's envelope said, else <c>auth.test</c>, asked once, briefly.
/// </summary>
public sealed partial class SlackBotUser(IOptions<SlackOptions> options, IServiceProvider services, ILogger<SlackBotUser> logger)
{
    /// <summary>Slack waits 3 seconds for its answer: auth.test gets a part of it, and a miss is not fatal.</summary>
    private static readonly TimeSpan AuthTestBudget = TimeSpan.FromSeconds(1.5);
    private string? _learned;
    private bool _asked;

    /// <param name="fromEnvelope">The id the event's envelope names, if any (<see cref="SlackInbound.BotUserIdOf"/>).</param>
    public async Task<string?> IdAsync(string? fromEnvelope, CancellationToken cancellationToken)
    {
        if (options.Value.BotUserId is { Length: > 0 } configured)
        {
            return configured;
        }

        if (fromEnvelope is not null)
        {
            return _learned = fromEnvelope;
        }

        if (_learned is not null || _asked)
        {
            return _learned;
        }

        _asked = true;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(AuthTestBudget);
        try
        {
            _learned = await services.GetRequiredService<SlackWebApi>().BotUserIdAsync(budget.Token);
        }
        catch (Exception ex) when (ex is Chat.ChatApiException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogAuthTestFailed(ex.Message);
        }

        return _learned;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not learn the Slack bot's user id from auth.test ({Reason}); set Slack:BotUserId")]
    private partial void LogAuthTestFailed(string reason);
}
