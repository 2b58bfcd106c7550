using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Publishing;

namespace Serverless.Functions.WebPubSub.Embedded;

public static class EmbeddedWebPubSubServices
{
    /// <summary>
    /// The local default's own Web PubSub endpoint, with a key made for this process: the app rings its hub
    /// in-process, and hands relays (and any Web PubSub client) the address its server listens on.
    /// </summary>
    public static IServiceCollection AddEmbeddedWebPubSub(this IServiceCollection services)
    {
        services.AddSingleton<EmbeddedAccessKey>();
        services.AddSingleton<EmbeddedWebPubSubHub>();
        services.AddSingleton<EmbeddedClientSession>();
        services.Replace(ServiceDescriptor.Singleton<IEventPublisher, EmbeddedEventPublisher>());
        services.Replace(ServiceDescriptor.Singleton(sp => WebPubSubConnection.WithAccessKey(
            () => OwnAddress(sp.GetRequiredService<IServer>()),
            sp.GetRequiredService<IOptions<WebPubSubOptions>>().Value.Hub,
            sp.GetRequiredService<EmbeddedAccessKey>().Value)));
        return services;
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
