using Microsoft.AspNetCore.Http;
using Serverless.Functions.Hooks;

namespace Serverless.Tests.Functions.Hooks;

public class BoundedBodyTests
{
    private static HttpRequest Request(byte[] body, bool withLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = withLength ? body.Length : null;
        return context.Request;
    }

    private static byte[] Bytes(int length, byte seed) => [.. Enumerable.Range(0, length).Select(i => (byte)(seed + i))];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_within_the_limit_is_read_whole_and_exactly(bool withLength)
    {
        var body = Bytes(40_000, 7);

        var read = await BoundedBody.ReadAsync(Request(body, withLength), 64 * 1024, CancellationToken.None);

        Assert.Equal(body, read);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_null(bool withLength)
    {
        Assert.Null(await BoundedBody.ReadAsync(Request(Bytes(2_000, 1), withLength), 1_999, CancellationToken.None));
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_before_reading()
    {
        var stream = new MemoryStream(Bytes(10, 1));
        var context = new DefaultHttpContext();
        context.Request.Body = stream;
        context.Request.ContentLength = 5_000_000;

        Assert.Null(await BoundedBody.ReadAsync(context.Request, 1_000_000, CancellationToken.None));
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public async Task A_chunked_body_never_carries_bytes_of_the_one_read_before_it()
    {
        // The chunk buffer is pooled: a shorter body after a longer one must come back as itself only.
        for (var round = 0; round < 50; round++)
        {
            var longer = Bytes(30_000, (byte)round);
            var shorter = Bytes(100 + round, (byte)(round + 101));

            Assert.Equal(longer, await BoundedBody.ReadAsync(Request(longer, withLength: false), 64 * 1024, CancellationToken.None));
            Assert.Equal(shorter, await BoundedBody.ReadAsync(Request(shorter, withLength: false), 64 * 1024, CancellationToken.None));
        }
    }
}
