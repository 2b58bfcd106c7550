using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Relay.Connection;

namespace Serverless.Relay.Channel;

/// <summary>
/// Once a chat message has been written to the session, tells the function app, which puts a reaction on it
/// so its sender knows the session has it. Off the delivery path: a receipt never delays or fails an event,
/// and when they pile up (the app away) the oldest are dropped.
/// </summary>
public sealed partial class ChatReceipts(IChatApi api, ILogger<ChatReceipts> logger) : BackgroundService
{
    private readonly System.Threading.Channels.Channel<(string ChatId, string MessageId)> _pending = System.Threading.Channels.Channel.CreateBounded<(string, string)>(
        new System.Threading.Channels.BoundedChannelOptions(256) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest, SingleReader = true });

    private bool _failureLogged;

    /// <summary>Queues a receipt for a chat message shown in the session (its kind is the transport its chat id names); anything else is ignored.</summary>
    public void Shown(IReadOnlyDictionary<string, string> meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        if (meta.GetValueOrDefault("chat_id") is { Length: > 0 } chatId
            && meta.GetValueOrDefault("kind") == ChatReference.TransportOf(chatId)
            && meta.GetValueOrDefault("message_id") is { Length: > 0 } messageId)
        {
            _pending.Writer.TryWrite((chatId, messageId));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (chatId, messageId) in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                await SendAsync(chatId, messageId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a receipt not sent yet is only a missing reaction.
        }
    }

    private async Task SendAsync(string chatId, string messageId, CancellationToken cancellationToken)
    {
        try
        {
            await api.ReceiptAsync(chatId, messageId, cancellationToken).ConfigureAwait(false);
            _failureLogged = false;
        }
        catch (Exception ex) when (ex is RelayApiException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (!_failureLogged)
            {
                _failureLogged = true;
                LogFailed(ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A chat message was shown but its receipt could not be sent ({Reason}); further failures are not logged until one succeeds")]
    private partial void LogFailed(string reason);
}
