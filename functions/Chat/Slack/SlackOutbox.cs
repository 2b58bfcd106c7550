using System.Threading.Channels;
using Serverless.Functions.Chat;

namespace Serverless.Functions.Chat.Slack;

/// <summary>
/// Slack wants an HTTP answer within 3 seconds or it retries, while a Web API call may wait out a rate limit
/// for up to 30 s. So while Slack's own request is handled (<see cref="DeferringAsync"/>), what the bot says
/// back (a pairing code, a command's answer, the outcome on a permission message, an ephemeral answer to a
/// button) is queued here and sent after the answer, one call at a time, in order. The event itself is
/// stored before the answer; only these courtesy messages can be lost, if the process stops first.
/// </summary>
public sealed partial class SlackOutbox(ILogger<SlackOutbox> logger) : BackgroundService
{
    public const int Capacity = 256;
    private static readonly AsyncLocal<bool> Deferring = new();
    private readonly Channel<(string What, Func<CancellationToken, Task> Send)> _queue =
        Channel.CreateBounded<(string, Func<CancellationToken, Task>)>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>True inside <see cref="DeferringAsync"/>: Web API writes are queued instead of awaited.</summary>
    public static bool IsDeferring => Deferring.Value;

    /// <summary>Runs <paramref name="handle"/> with every Slack write it makes queued; the flag ends with it.</summary>
    public static async Task<T> DeferringAsync<T>(Func<Task<T>> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        // Set inside an async method: the change flows into what it awaits and is undone when it returns.
        Deferring.Value = true;
        return await handle();
    }

    public void Enqueue(string what, Func<CancellationToken, Task> send)
    {
        if (!_queue.Writer.TryWrite((what, send)))
        {
            LogDropped(what, Capacity);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (what, send) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await send(stoppingToken);
            }
            catch (Exception ex) when (ex is ChatApiException or HttpRequestException || (ex is TaskCanceledException && !stoppingToken.IsCancellationRequested))
            {
                LogFailed(what, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send to Slack ({What}): {Reason}")]
    private partial void LogFailed(string what, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a Slack message ({What}): {Capacity} are already waiting to be sent")]
    private partial void LogDropped(string what, int capacity);
}
