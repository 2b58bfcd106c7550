using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Functions.Chat.Access;
using Serverless.Functions.Chat.Permissions;
using Serverless.Functions.Hosting;
using Serverless.Functions.Inbox;
using Serverless.Functions.Questions;

namespace Serverless.Functions.Chat;

public static class ChatServices
{
    /// <summary>What every chat transport shares: the registry, the conversation flow, permission requests.</summary>
    public static IServiceCollection AddChat(this IServiceCollection services, DeploymentMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        services.TryAddSingleton<ChatTransports>();
        services.TryAddTransient<ChatConversation>();
        services.TryAddTransient<PermissionDesk>();
        if (mode.EmbeddedInbox)
        {
            services.TryAddSingleton<IPermissionStore, EmbeddedPermissionStore>();
        }
        else
        {
            services.TryAddSingleton<IPermissionStore>(sp => new TablePermissionStore(
                sp.GetRequiredService<StorageServiceClients>().Tables.GetTableClient("permissions")));
        }

        return services;
    }

    /// <summary>
    /// One chat transport: itself (as <typeparamref name="TTransport"/> and as <see cref="IChatTransport"/>), its
    /// access store, a keyed service named after it (in memory on the local default, else an Azure Table of the
    /// same name), and its <c>ask_user</c> questions (<see cref="ChatQuestionTransport"/>; Telegram's markdown
    /// needs the bot's own words escaped: <paramref name="markdownV2"/>).
    /// </summary>
    public static IServiceCollection AddChatTransport<TTransport>(this IServiceCollection services, string name, DeploymentMode mode, bool markdownV2 = false)
        where TTransport : class, IChatTransport
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(mode);
        services.AddChat(mode);
        services.AddSingleton<TTransport>();
        services.AddSingleton<IChatTransport>(sp => sp.GetRequiredService<TTransport>());
        services.AddTransient<IQuestionTransport>(sp => new ChatQuestionTransport(
            sp.GetRequiredService<TTransport>(), sp.GetRequiredService<ChatTransports>(), sp.GetRequiredService<ILogger<ChatQuestionTransport>>(), markdownV2));

        if (mode.EmbeddedInbox)
        {
            services.AddKeyedSingleton<IChatAccessStore>(name, (sp, _) => new EmbeddedChatAccessStore(ConfiguredChats(sp.GetRequiredService<TTransport>())));
        }
        else
        {
            services.AddKeyedSingleton<IChatAccessStore>(name, (sp, _) =>
            {
                var transport = sp.GetRequiredService<TTransport>();
                return new TableChatAccessStore(
                    sp.GetRequiredService<StorageServiceClients>().Tables.GetTableClient(name),
                    ConfiguredChats(transport),
                    transport.DefaultChannel);
            });
        }

        return services;
    }

    private static Dictionary<string, string> ConfiguredChats(IChatTransport transport) =>
        transport.ConfiguredUsers.Distinct(StringComparer.Ordinal).ToDictionary(u => u, transport.PrivateChatOf, StringComparer.Ordinal);
}
