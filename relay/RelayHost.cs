using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;
using Serverless.Relay.Delivery;
using Serverless.Relay.Questions;
using Serverless.Relay.Tools;

namespace Serverless.Relay;

/// <summary>The relay as a stdio MCP server: stdout carries only JSON-RPC, logs go to stderr.</summary>
public static class RelayHost
{
    public const string ChannelCapability = "claude/channel";
    public const string PermissionRequestMethod = "notifications/claude/channel/permission_request";

    /// <param name="permission">Whether to declare the permission capability: a paired chat can answer tool-use requests.</param>
    public static IHost Build(RelaySettings settings, DeliveredEventLog delivered, RelayApiClient api, PermissionCapability permission)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("ModelContextProtocol", LogLevel.Warning);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddRelayTelemetry();

        // The session ends when stdin closes; shutting down must not outlast the 2 s contract.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));

        var readiness = new SessionReadiness();
        var forwarder = new PermissionForwarder(api, permission);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(readiness);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IRelayApi>(api);
        builder.Services.AddSingleton<IChatApi>(api);
        builder.Services.AddSingleton<IQuestionApi>(api);
        builder.Services.AddSingleton<IHistoryApi>(api);
        builder.Services.AddSingleton<QuestionSignals>();
        builder.Services.AddSingleton<AskUser>();
        builder.Services.AddSingleton<RelayStatus>();
        builder.Services.AddSingleton(delivered);
        builder.Services.AddSingleton<RecentEvents>();
        builder.Services.AddSingleton<ChatReceipts>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChatReceipts>());
        builder.Services.AddSingleton<IChannelSink, McpChannelSink>();
        builder.Services.AddSingleton<EventDelivery>();
        builder.Services.AddSingleton<ReliablePubSubConnection>();
        var closing = new SessionClosing();
        builder.Services.AddSingleton(closing);

        builder.Services
            .AddMcpServer(options =>
            {
                // Claude Code (2.1.330) probes with server/discover for 2026-07-28 first, and on that revision it
                // skips channel notifications: there is no unsolicited notification path. Pinning the last
                // initialize-era revision makes the SDK refuse the probe (-32022), so Claude Code falls back to
                // initialize and registers the channel. Revisit when Claude Code delivers channels on 2026-07-28.
                options.ProtocolVersion = ChannelProtocol.Version;
                options.ServerInfo = new Implementation { Name = "serverless-relay", Version = typeof(RelayHost).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" };
                options.ServerInstructions = ChannelInstructions.For(settings.Channel, settings.Playbook);
                options.Capabilities ??= new ServerCapabilities();
                options.Capabilities.Experimental = new Dictionary<string, object>
                {
                    [ChannelCapability] = new JsonObject(),
                };
                options.Filters.Message.OutgoingFilters.Add(permission.OutgoingFilter);

                options.Handlers.NotificationHandlers =
                [
                    new(NotificationMethods.InitializedNotification, (_, _) =>
                    {
                        readiness.MarkReady();
                        return ValueTask.CompletedTask;
                    }),
                    new(PermissionRequestMethod, (notification, cancellationToken) => forwarder.ForwardAsync(notification.Params, cancellationToken)),
                ];
            })
            // stdio, with stdin's end held back until the relay has settled what it took (SessionClosing).
            .WithStreamServerTransport(new SessionInputStream(Console.OpenStandardInput(), closing), Console.OpenStandardOutput())
            .WithTools<StatusTool>()
            .WithTools<EventTool>()
            .WithTools<ChatTools>(ChatTools.SerializerOptions)
            .WithTools<AskUserTool>()
            .WithTools<HistoryTool>();

        // After the MCP server's own hosted service, so it stops first (hosted services stop in reverse order): it
        // settles what it took while the session can still carry notifications.
        builder.Services.AddHostedService<RelayWorker>();

        var host = builder.Build();
        forwarder.Logger = host.Services.GetRequiredService<ILogger<PermissionForwarder>>();
        return host;
    }
}
