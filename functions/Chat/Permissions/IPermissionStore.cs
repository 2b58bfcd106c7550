namespace Serverless.Functions.Chat.Permissions;

/// <summary>Permission requests, shared by every transport: the first answer from any of them wins.</summary>
public interface IPermissionStore
{
    /// <summary>Records a new permission request; false when one with this id exists (of any channel), which is left as it is.</summary>
    Task<bool> AddAsync(PermissionRequestRecord request, CancellationToken cancellationToken);

    /// <summary>Writes a known permission request again (its sent messages, or its state before a failed answer).</summary>
    Task SaveAsync(PermissionRequestRecord request, CancellationToken cancellationToken);

    Task<PermissionRequestRecord?> GetAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Records the outcome once; false when the request is unknown or was already answered.</summary>
    Task<bool> TryResolveAsync(string requestId, string outcome, CancellationToken cancellationToken);
}
