using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Serverless.Benchmarks;

/// <summary>
/// The bare reference app: the least an ASP.NET Core webhook receiver can do. It reads the body and
/// answers 202; with a storage connection string it first puts the body on an Azure Storage queue (one
/// put per request, base64 like the project's inbox), which is the least a durable receiver can do.
/// Started by the harness as <c>dotnet Serverless.Benchmarks.dll serve-reference --urls ...</c>.
/// </summary>
internal static class ReferenceServer
{
    public const string Command = "serve-reference";
    public const string QueueSetting = "BENCH_REFERENCE_QUEUE";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();

        QueueClient? queue = null;
        if (Environment.GetEnvironmentVariable(QueueSetting) is { Length: > 0 } connectionString)
        {
            queue = new QueueClient(connectionString, "reference-inbox", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            await queue.CreateIfNotExistsAsync();
        }

        app.MapGet("/health", () => Results.Ok());
        app.MapPost("/api/hooks/{source}/{channel}", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, cancellationToken);
            if (queue is not null)
            {
                await queue.SendMessageAsync(new BinaryData(body.GetBuffer().AsMemory(0, (int)body.Length)), visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken);
            }

            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
        await app.RunAsync();
        return 0;
    }
}

/// <summary>
/// The reference for the relay's start: a .NET console process that reads one JSON-RPC line from stdin
/// and answers it, the runtime's floor for "start and answer initialize".
/// </summary>
internal static class StdioEcho
{
    public const string Command = "stdio-echo";

    public static int Run()
    {
        var line = Console.In.ReadLine();
        if (line is null)
        {
            return 1;
        }

        using var request = System.Text.Json.JsonDocument.Parse(line);
        var id = request.RootElement.GetProperty("id").GetRawText();
        Console.Out.WriteLine("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"serverInfo\":{\"name\":\"echo\",\"version\":\"1.0\"}}}");
        Console.Out.Flush();
        // Stay up like a server until stdin closes.
        while (Console.In.ReadLine() is not null)
        {
        }

        return 0;
    }
}
