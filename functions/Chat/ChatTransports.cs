using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Chat.Access;

namespace Serverless.Functions.Chat;

/// <summary>The chat transports the app knows, by name, with each one's access store.</summary>
public sealed class ChatTransports(IEnumerable<IChatTransport> transports, IServiceProvider services)
{
    private readonly IReadOnlyList<IChatTransport> _all = [.. transports];

    public IReadOnlyList<IChatTransport> All => _all;

    public IEnumerable<IChatTransport> Enabled => _all.Where(t => t.Enabled);

    public IChatTransport? Find(string? name) =>
        _all.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    /// <summary>The transport a chat reference belongs to: its prefix names it, and a bare reference is Telegram's.</summary>
    public IChatTransport? ForReference(string chatReference) => Find(NameOf(chatReference));

    /// <summary>The name of the transport a chat reference belongs to (<see cref="IChatTransport"/> describes the references).</summary>
    public static string NameOf(string chatReference)
    {
        ArgumentNullException.ThrowIfNull(chatReference);
        var colon = chatReference.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && chatReference.AsSpan(0, colon).ContainsAnyExceptInRange('a', 'z') is false ? chatReference[..colon] : "telegram";
    }

    public IChatAccessStore AccessOf(IChatTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return services.GetRequiredKeyedService<IChatAccessStore>(transport.Name);
    }
}
