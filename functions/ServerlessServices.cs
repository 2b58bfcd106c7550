using Azure.Core;
using Azure.Identity;
using Serverless.Functions.Chat.Discord;
using Serverless.Functions.Hooks;
using Serverless.Functions.Hosting;
using Serverless.Functions.Inbox;
using Serverless.Functions.Questions;
using Serverless.Functions.Relay;
using Serverless.Functions.Chat.Slack;
using Serverless.Functions.Sources;
using Serverless.Functions.Chat.Telegram;
using Serverless.Functions.Telemetry;
using Serverless.Functions.WebPubSub;

namespace Serverless.Functions;

/// <summary>The app's services, the same under the Functions host and on the local server.</summary>
public static class ServerlessServices
{
    public static DeploymentMode AddServerless(this IHostApplicationBuilder builder, AppHost host)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Request logs name whole URLs, and function URLs carry ?code= secrets: ASP.NET Core's own logs stay at
        // warnings unless a setting asks for a category by name; the two that print URLs never do (QuietHttpLogs).
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        // Hosting's diagnostics category only logs each request, which stays off anyway, but while it is
        // enabled at any level ASP.NET Core opens an Activity and a log scope for every request. A start-up
        // failure still ends the process with its exception. A tracing listener still gets its activities.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        var mode = DeploymentMode.FromConfiguration(builder.Configuration, host);
        builder.Services
            .AddSingleton(mode)
            .AddSingleton(TimeProvider.System)
            // One credential for storage and Web PubSub: its token cache is shared, and it is created only if used.
            .AddSingleton<TokenCredential>(_ => new DefaultAzureCredential())
            .ConfigureHttpJsonOptions(o =>
            {
                // One naming policy for the whole HTTP API, the relay API's (snake_case); the contracts'
                // source-generated metadata first, so the relay's records are read as the relay writes them.
                o.SerializerOptions.PropertyNamingPolicy = RelayApiJsonContext.Default.Options.PropertyNamingPolicy;
                o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
                o.SerializerOptions.AllowDuplicateProperties = false;
                o.SerializerOptions.TypeInfoResolverChain.Insert(0, RelayApiJsonContext.Default);
                o.SerializerOptions.TypeInfoResolverChain.Insert(1, FunctionsJsonContext.Default);
            })
            .AddProblemDetails()
            .AddQuietHttpLogs()
            .AddRelayApi()
            .AddHooks()
            .AddSources(mode)
            .AddInbox(mode)
            .AddWebPubSub()
            .AddTelegram(mode)
            .AddSlack(mode)
            .AddDiscord(mode)
            .AddQuestions(mode)
            .AddHostedService<StartupReport>();
        builder.AddTelemetry();
        return mode;
    }
}
