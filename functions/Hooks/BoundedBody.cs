using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Serverless.Functions.Hooks;

/// <summary>
/// Reads a request body up to a limit: refused at once when its Content-Length says it is larger, and
/// counted as it arrives otherwise (a chunked body has no Content-Length, and a header can lie).
/// </summary>
public static class BoundedBody
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>
    /// The body, or null when it is larger than <paramref name="limit"/> bytes. With a Content-Length it is
    /// read straight into one array of that size; without one, through a pooled chunk that is cleared
    /// before it goes back, so no request's bytes can reach another's.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is { } length)
        {
            if (length > limit)
            {
                return null;
            }

            var body = GC.AllocateUninitializedArray<byte>((int)length);
            // The server ends the body at Content-Length and fails a shorter one (400), so this is all of it.
            await request.Body.ReadExactlyAsync(body, cancellationToken);
            return body;
        }

        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            using var buffer = new MemoryStream();
            int read;
            while ((read = await request.Body.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk, clearArray: true);
        }
    }
}
