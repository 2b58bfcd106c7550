using Azure.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Health;
using Serverless.Functions.Hooks;
using Serverless.Functions.Hosting;
using Serverless.Functions.Inbox;
using Serverless.Functions.Publishing;
using Serverless.Functions.Relay;
using Serverless.Functions.Security;
using Serverless.Functions.Sources;
using Serverless.Functions.Sources.Dedupe;
using Serverless.Functions.Sources.Filters;
using Serverless.Functions.Telegram;
using Serverless.Functions.Telegram.Access;
using Serverless.Functions.WebPubSub;
using Serverless.Functions.WebPubSub.Embedded;

namespace Serverless.Functions;

/// <summary>Builds the custom handler: the same app under the Functions host and with <c>dotnet run</c>.</summary>
public static class FunctionsApp
{
    public const string DefaultLocalUrl = "http://localhost:7071";

    /// <param name="args">Command-line arguments (<c>--urls</c>, configuration overrides).</param>
    /// <param name="configure">Adds settings (runs before the settings are read).</param>
    /// <param name="configureServices">Replaces services (runs after the app's own registrations).</param>
    public static WebApplication Build(
        string[] args, Action<WebApplicationBuilder>? configure = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        ConfigureUrls(builder);
        // Request logs name whole URLs, and function URLs carry ?code= secrets: ASP.NET Core's own
        // request and outgoing-HTTP logs stay at warnings unless a setting asks for a category by name.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        configure?.Invoke(builder);

        var mode = DeploymentMode.FromConfiguration(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(mode);
        services.AddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);

        services.AddOptions<RelayOptions>().BindConfiguration(RelayOptions.Section).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<RelayOptions>, RelayOptionsSetup>();
        services.AddSingleton<IValidateOptions<RelayOptions>, RelayOptionsSetup>();
        services.AddSingleton<RelayAuthenticator>();

        services.AddOptions<IngressOptions>().BindConfiguration(IngressOptions.Section)
            .Validate(o => o.MaxBodyBytes is > 0 and <= 64 * 1024 * 1024, "Ingress:MaxBodyBytes must be between 1 byte and 64 MiB.")
            .ValidateOnStart();

        services.AddOptions<WebPubSubOptions>().BindConfiguration(WebPubSubOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebPubSubOptions>, WebPubSubOptionsValidator>();

        if (mode.IsLocalDefault)
        {
            // DNS rebinding: a web page's own host name, pointed at 127.0.0.1, would pass an Origin check as
            // "same origin". The local default answers only to loopback names unless AllowedHosts says more
            // (a tunnel's host, for Telegram).
            var allowed = (builder.Configuration["AllowedHosts"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            services.AddHostFiltering(o =>
            {
                o.AllowedHosts = allowed.Length > 0 ? allowed : ["localhost", "127.0.0.1", "[::1]"];
                o.IncludeFailureMessage = true;
            });
        }

        AddSources(services, mode);
        AddWebPubSub(services, mode);
        AddInbox(services, mode);
        AddTelegram(services, mode);
        services.AddSingleton<IEventPublisher, WebPubSubEventPublisher>();
        services.AddSingleton<EventIngress>();
        services.AddHostedService<StartupReport>();
        configureServices?.Invoke(services);

        var app = builder.Build();
        if (mode.IsLocalDefault)
        {
            app.UseHostFiltering();
            app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
            app.UseMiddleware<LocalOriginGuard>();
            app.MapEmbeddedWebPubSub();
        }

        app.MapHealth();
        app.MapHooks();
        app.MapRelay();
        app.MapTelegram();
        app.MapTelegramRelay();
        return app;
    }

    private static void ConfigureUrls(WebApplicationBuilder builder)
    {
        // Under the Functions host the handler must listen on the port the host chose.
        var port = builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
        if (!string.IsNullOrEmpty(port))
        {
            builder.WebHost.UseUrls($"http://localhost:{port}");
        }
        else if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultLocalUrl);
        }
    }

    private static void AddSources(IServiceCollection services, DeploymentMode mode)
    {
        var sources = SourceCatalog.Create();
        services.AddSingleton<IPostConfigureOptions<SourceOptions>, SourceOptionsSetup>();
        services.AddSingleton<IValidateOptions<SourceOptions>, SourceOptionsSetup>();
        foreach (var source in sources)
        {
            services.AddSingleton(source);
            services.AddOptions<SourceOptions>(source.Name).BindConfiguration($"{SourceOptions.Section}:{source.Name}").ValidateOnStart();
        }

        services.AddOptions<Dictionary<string, ChannelFilter>>().BindConfiguration("Channels").ValidateOnStart();
        services.AddSingleton<IValidateOptions<Dictionary<string, ChannelFilter>>, ChannelFiltersValidator>();
        if (mode.EmbeddedInbox)
        {
            services.AddSingleton<IDeliveryLog, EmbeddedDeliveryLog>();
        }
        else
        {
            services.AddSingleton<IDeliveryLog>(sp =>
            {
                var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
                var (_, blobs) = StorageClients.Create(storage);
                return new BlobDeliveryLog(blobs.GetBlobContainerClient("deliveries"), sp.GetRequiredService<TimeProvider>());
            });
        }
    }

    private static void AddWebPubSub(IServiceCollection services, DeploymentMode mode)
    {
        if (mode.IsLocalDefault)
        {
            services.AddSingleton<EmbeddedAccessKey>();
            services.AddSingleton<EmbeddedWebPubSubHub>();
            services.AddSingleton<EmbeddedClientSession>();
        }

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WebPubSubOptions>>().Value;
            if (mode.IsLocalDefault)
            {
                var server = sp.GetRequiredService<IServer>();
                return WebPubSubConnection.WithAccessKey(() => OwnAddress(server), options.Hub, sp.GetRequiredService<EmbeddedAccessKey>().Value);
            }

            if (!string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                if (!WebPubSubConnectionString.TryParse(options.ConnectionString, out var parsed, out var error))
                {
                    throw new OptionsValidationException(WebPubSubOptions.Section, typeof(WebPubSubOptions), [$"WebPubSub:ConnectionString is not valid: {error}."]);
                }

                return WebPubSubConnection.WithAccessKey(() => parsed.Endpoint, options.Hub, parsed.AccessKey);
            }

            return WebPubSubConnection.WithCredential(options.Endpoint!, options.Hub, new DefaultAzureCredential());
        });
        services.AddSingleton<IWebPubSubService>(sp =>
            new WebPubSubService(sp.GetRequiredService<WebPubSubConnection>(), sp.GetRequiredService<TimeProvider>()));
    }

    private static void AddTelegram(IServiceCollection services, DeploymentMode mode)
    {
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>();
        services.AddSingleton(sp => new TelegramBotApi(
            new HttpClient { Timeout = TimeSpan.FromSeconds(30) },
            sp.GetRequiredService<IOptions<TelegramOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TelegramBotApi>>()));
        services.AddSingleton<PermissionRelay>();
        services.AddSingleton<TelegramUpdateHandler>();
        if (mode.EmbeddedInbox)
        {
            services.AddSingleton<ITelegramAccessStore, EmbeddedTelegramAccessStore>();
            return;
        }

        services.AddSingleton<ITelegramAccessStore>(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var table = StorageClients.CreateTable(storage, "telegram");
            return new TableTelegramAccessStore(table, sp.GetRequiredService<IOptions<TelegramOptions>>());
        });
    }

    private static void AddInbox(IServiceCollection services, DeploymentMode mode)
    {
        services.AddOptions<InboxOptions>().BindConfiguration(InboxOptions.Section)
            .Validate(o => o.MaxDeliveryAttempts is >= 1 and <= 100, "Inbox:MaxDeliveryAttempts must be between 1 and 100.")
            .Validate(o => o.MaxInlineBytes is >= 1024 and <= 48 * 1024, "Inbox:MaxInlineBytes must be between 1 KiB and 48 KiB (a queue message holds 48 KiB of base64-encoded data).")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        if (mode.EmbeddedInbox)
        {
            services.AddSingleton<EmbeddedEventInbox>();
            services.AddSingleton<IEventInbox>(sp => sp.GetRequiredService<EmbeddedEventInbox>());
            return;
        }

        services.AddSingleton<IEventInbox>(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var (queues, blobs) = StorageClients.Create(storage);
            return new StorageQueueEventInbox(
                queues,
                blobs.GetBlobContainerClient(storage.PayloadContainer),
                sp.GetRequiredService<IOptions<InboxOptions>>(),
                sp.GetRequiredService<ILogger<StorageQueueEventInbox>>());
        });
    }

    /// <summary>The address this server listens on, as a loopback URL it can call itself at.</summary>
    private static Uri OwnAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server is not listening yet.");
        var uri = new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]")
        {
            uri = new UriBuilder(uri) { Host = "localhost" }.Uri;
        }

        return new Uri(uri.GetLeftPart(UriPartial.Authority));
    }
}
