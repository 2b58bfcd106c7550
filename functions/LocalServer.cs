using Microsoft.AspNetCore.Hosting;
using Serverless.Functions.Hosting;
using Serverless.Functions.Security;
using Serverless.Functions.WebPubSub.Embedded;

namespace Serverless.Functions;

/// <summary>
/// <c>dotnet run --project functions</c> with no Functions host: the app's own Kestrel server serves every
/// function's route (the same endpoints the functions dispatch to) and, on the local default, the
/// embedded Web PubSub endpoint.
/// </summary>
public static class LocalServer
{
    public const string DefaultUrl = RelayApiDefaults.LocalUrl;

    /// <summary>
    /// Settings files are read at start, not watched: the watcher covers the content root (the current
    /// directory) with every folder below it, which in a repository with node_modules took a third of the
    /// start-up (measured 561 against 377 ms). A later <c>--hostBuilder:reloadConfigOnChange=true</c> wins.
    /// </summary>
    private const string NoConfigurationReload = "--hostBuilder:reloadConfigOnChange=false";

    /// <param name="args">Command-line arguments (<c>--urls</c>, configuration overrides).</param>
    /// <param name="configure">Adds settings (runs before the settings are read).</param>
    /// <param name="configureServices">Replaces services (runs after the app's own registrations).</param>
    public static WebApplication Build(
        string[] args, Action<WebApplicationBuilder>? configure = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder([NoConfigurationReload, .. args]);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        configure?.Invoke(builder);
        var mode = builder.AddServerless(AppHost.LocalServer);
        if (mode.IsLocalDefault)
        {
            // The host's own lines would say "Hosting environment: Production", which this is not; naming it
            // Development instead would turn on the developer exception page, and a tunnel (AllowedHosts) can make
            // the local default reachable from outside. The start-up report says what this is and where it listens.
            builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
            AddLocalDefaultGuards(builder);
            builder.Services.AddEmbeddedWebPubSub();
        }

        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        if (mode.IsLocalDefault)
        {
            app.UseHostFiltering();
            app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
            app.UseMiddleware<LocalOriginGuard>();
            app.MapEmbeddedWebPubSub();
        }

        app.MapFunctionEndpoints();
        return app;
    }

    private static void AddLocalDefaultGuards(WebApplicationBuilder builder)
    {
        // DNS rebinding: a web page's own host name, pointed at 127.0.0.1, would pass an Origin check as
        // "same origin". The local default answers only to loopback names unless AllowedHosts says more
        // (a tunnel's host, for Telegram).
        var allowed = (builder.Configuration["AllowedHosts"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.Services.AddHostFiltering(o =>
        {
            o.AllowedHosts = allowed.Length > 0 ? allowed : ["localhost", "127.0.0.1", "[::1]"];
            o.IncludeFailureMessage = true;
        });
    }
}
