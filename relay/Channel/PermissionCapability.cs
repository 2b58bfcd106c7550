using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Serverless.Contracts;
using Serverless.Relay.Connection;

namespace Serverless.Relay.Channel;

/// <summary>
/// Whether this session declares <c>claude/channel/permission</c>: only when the function app says a paired
/// chat can answer. The app is asked as the relay starts, alongside its own start-up, and the
/// <c>initialize</c> answer waits for it only for what is left of <see cref="Budget"/>; a slow or silent
/// app never holds up the handshake, it only leaves permission relay off for the session.
/// </summary>
public sealed class PermissionCapability
{
    public const string Name = "claude/channel/permission";

    /// <summary>From the relay's start: a healthy app answers on loopback in milliseconds, a warm one in Azure well within it.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    private readonly Task<bool> _available;
    private readonly TimeProvider _timeProvider;
    private readonly long _startedAt;
    private readonly TextWriter _diagnostics;
    private int _decided;
    private Task? _late;

    private PermissionCapability(Func<PermissionCapability, Task<bool>> ask, TimeProvider timeProvider, TextWriter diagnostics)
    {
        _timeProvider = timeProvider;
        _diagnostics = diagnostics;
        _startedAt = timeProvider.GetTimestamp();
        _available = ask(this);
    }

    /// <summary>Completes once the app's answer (or failure) has been handled, a late one included, and anything it had to say is said.</summary>
    public Task Settled => Volatile.Read(ref _late) ?? _available;

    /// <summary>What the session declared; false until the initialize answer went out.</summary>
    public bool Declared { get; private set; }

    /// <summary>Starts asking the app now; the answer is read when Claude Code's <c>initialize</c> is answered.</summary>
    public static PermissionCapability Ask(IChatApi api, TimeProvider timeProvider, TextWriter diagnostics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        return new PermissionCapability(self => self.AvailableAsync(api, cancellationToken), timeProvider, diagnostics);
    }

    /// <summary>An answer known up front (tests): already decided, as if the initialize answer had gone out.</summary>
    public static PermissionCapability Fixed(bool available, TimeProvider timeProvider) =>
        new(_ => Task.FromResult(available), timeProvider, TextWriter.Null) { Declared = available, _decided = 1 };

    /// <summary>
    /// Adds the capability to the <c>initialize</c> result on its way out. It works on the wire shape of the
    /// answer (an object with protocolVersion, capabilities and serverInfo) rather than on the SDK's options.
    /// </summary>
    public McpMessageFilter OutgoingFilter => next => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcResponse { Result: JsonObject result }
            && result["protocolVersion"] is not null
            && result["serverInfo"] is not null
            && result["capabilities"] is JsonObject capabilities
            && await DecideAsync(cancellationToken).ConfigureAwait(false))
        {
            if (capabilities["experimental"] is not JsonObject experimental)
            {
                capabilities["experimental"] = experimental = [];
            }

            experimental[Name] = new JsonObject();
        }

        await next(context, cancellationToken).ConfigureAwait(false);
    };

    /// <summary>The app's answer if it came within the budget; false otherwise (said on stderr if the late answer is yes).</summary>
    public async ValueTask<bool> DecideAsync(CancellationToken cancellationToken)
    {
        var remaining = Budget - _timeProvider.GetElapsedTime(_startedAt);
        if (!_available.IsCompleted && remaining > TimeSpan.Zero)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(_available, Task.Delay(remaining, _timeProvider, wait.Token)).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
        }

        var declared = _available.IsCompletedSuccessfully && _available.Result;
        if (Interlocked.Exchange(ref _decided, 1) == 0)
        {
            Declared = declared;
            if (!_available.IsCompleted)
            {
                _late = SayIfTheLateAnswerMattersAsync();
            }
        }

        return Declared;
    }

    /// <summary>A slow app is worth a line only when its answer says a paired chat could have answered.</summary>
    private async Task SayIfTheLateAnswerMattersAsync()
    {
        try
        {
            if (await _available.ConfigureAwait(false))
            {
                await _diagnostics.WriteLineAsync(
                    $"relay: the function app said only after {Budget.TotalSeconds:0.#} s that a paired chat can answer tool-use requests; permission relay is off for this session (reconnect with /mcp to ask again).").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The relay is stopping.
        }
    }

    /// <summary>
    /// The app's answer. stderr hears about it only when it matters to the user: the app could not be asked, or a chat
    /// service is configured but no chat of this channel is paired. Without any chat service there is nothing to say.
    /// </summary>
    private async Task<bool> AvailableAsync(IChatApi api, CancellationToken cancellationToken)
    {
        CapabilitiesResponse answer;
        try
        {
            answer = await api.CapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (Volatile.Read(ref _decided) == 1)
            {
                // The session was already told (and stderr too): a late failure adds nothing.
                return false;
            }

            await _diagnostics.WriteLineAsync($"relay: could not ask the function app whether a paired chat can answer tool-use requests ({ex.Message}); permission relay is off for this session (reconnect with /mcp to ask again).").ConfigureAwait(false);
            return false;
        }

        if (!answer.PermissionRelay && answer.Transports is { Count: > 0 } transports)
        {
            await _diagnostics.WriteLineAsync(
                $"relay: permission relay is off for this session: {string.Join(" and ", transports.Select(ChatReference.DisplayName))} {(transports.Count == 1 ? "is" : "are")} configured on the function app, but no chat is paired with this channel (pair one with relay pair CODE, then reconnect with /mcp).").ConfigureAwait(false);
        }

        return answer.PermissionRelay;
    }
}
