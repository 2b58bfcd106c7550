using System.Buffers;
using System.Text.Json;
using Serverless.Functions.Events;

namespace Serverless.Functions.Inbox;

/// <summary>The claim-check rule shared by every inbox: what is too large for a queue message, and what stays in it.</summary>
public static class LargePayloads
{
    // What JsonSerializer itself writes with for these options, so SizeOf counts exactly Serialize's bytes.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = EventJson.Options.Encoder,
        Indented = EventJson.Options.WriteIndented,
        MaxDepth = EventJson.Options.MaxDepth,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static ByteCounter? t_counter;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static byte[] Serialize(ChannelEvent channelEvent) => JsonSerializer.SerializeToUtf8Bytes(channelEvent, EventJson.Options);

    /// <summary>
    /// The length of <see cref="Serialize"/>'s bytes without keeping them: each thread writes over one scratch
    /// buffer, so an in-memory store does not allocate a copy of every event only to learn its size.
    /// </summary>
    public static int SizeOf(ChannelEvent channelEvent)
    {
        var counter = t_counter ??= new ByteCounter();
        var writer = t_writer ??= new Utf8JsonWriter(counter, WriterOptions);
        counter.Count = 0;
        writer.Reset(counter);
        JsonSerializer.Serialize(writer, channelEvent, EventJsonContext.Default.ChannelEvent);
        writer.Flush();
        return checked((int)counter.Count);
    }

    public static ChannelEvent? Deserialize(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<ChannelEvent>(json, EventJson.Options);

    /// <summary>The relay API path that serves the full envelope.</summary>
    public static string ReferenceFor(ChannelEvent channelEvent)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        return $"/api/relay/events/{Uri.EscapeDataString(channelEvent.Id)}?channel={Uri.EscapeDataString(channelEvent.Channel)}";
    }

    /// <summary>The envelope without its payload, pointing at where the payload is.</summary>
    public static ChannelEvent WithoutPayload(ChannelEvent channelEvent) =>
        channelEvent with { Data = null, DataRef = ReferenceFor(channelEvent) };

    /// <summary>Counts what is written and keeps none of it.</summary>
    private sealed class ByteCounter : IBufferWriter<byte>
    {
        private byte[] _scratch = new byte[4096];

        public long Count { get; set; }

        public void Advance(int count) => Count += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint);

        // A thread keeps at most 64 KiB; a rare larger value gets a buffer of its own that is not kept.
        private const int MaxKept = 64 * 1024;

        private byte[] Scratch(int sizeHint)
        {
            if (sizeHint <= _scratch.Length)
            {
                return _scratch;
            }

            if (sizeHint > MaxKept)
            {
                return new byte[sizeHint];
            }

            return _scratch = new byte[Math.Max(sizeHint, Math.Min(_scratch.Length * 2, MaxKept))];
        }
    }
}
