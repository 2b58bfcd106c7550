using Azure.Core;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.WebPubSub;

public static class WebPubSubServices
{
    /// <summary>
    /// The Web PubSub service the app rings: Azure's, by connection string or by the app's identity. The
    /// local server replaces the connection with its embedded endpoint (<see cref="Embedded.EmbeddedWebPubSubServices"/>).
    /// </summary>
    public static IServiceCollection AddWebPubSub(this IServiceCollection services)
    {
        services.AddOptions<WebPubSubOptions>().BindConfiguration(WebPubSubOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebPubSubOptions>, WebPubSubOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WebPubSubOptions>>().Value;
            if (!string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                if (!WebPubSubConnectionString.TryParse(options.ConnectionString, out var parsed, out var error))
                {
                    throw new OptionsValidationException(WebPubSubOptions.Section, typeof(WebPubSubOptions), [$"WebPubSub:ConnectionString is not valid: {error}."]);
                }

                return WebPubSubConnection.WithAccessKey(() => parsed.Endpoint, options.Hub, parsed.AccessKey);
            }

            return WebPubSubConnection.WithCredential(options.Endpoint!, options.Hub, sp.GetRequiredService<TokenCredential>());
        });
        services.AddSingleton<IWebPubSubService>(sp =>
            new WebPubSubService(sp.GetRequiredService<WebPubSubConnection>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
