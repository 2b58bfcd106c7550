namespace Serverless.Relay.Channel;

/// <summary>
/// The end of the session as the relay lives it. Claude Code (2.1.337) closes a stdio server with stdin EOF, SIGINT,
/// SIGTERM about 100 ms later and SIGKILL at about 500 ms, and reads the channel notifications written meanwhile.
/// The MCP SDK's transport stops writing as soon as stdin ends (it drops what is sent after, silently), so stdin's
/// end is held back (<see cref="SessionInputStream"/>) until the relay has finished the event in hand, acknowledged what it
/// showed and released what it took but did not show.
/// </summary>
public sealed class SessionClosing
{
    /// <summary>The longest stdin's end is held back: within Claude Code's SIGKILL, and far past a healthy flush.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromMilliseconds(450);

    private readonly TaskCompletionSource _inputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when stdin has ended (the client closed the session).</summary>
    public Task InputEnded => _inputEnded.Task;

    /// <summary>Completes when the relay takes nothing more and has settled what it took.</summary>
    public Task Flushed => _flushed.Task;

    public void EndInput() => _inputEnded.TrySetResult();

    public void MarkFlushed() => _flushed.TrySetResult();
}

/// <summary>stdin for the MCP transport: its end is passed on only once the relay has flushed (<see cref="SessionClosing"/>).</summary>
public sealed class SessionInputStream(Stream input, SessionClosing closing) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            closing.EndInput();
            try
            {
                await closing.Flushed.WaitAsync(SessionClosing.MaxHold, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // The transport is shutting down, or the flush overran: end now.
            }
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Dispose();
        }

        base.Dispose(disposing);
    }
}
