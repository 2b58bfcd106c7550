namespace Serverless.Functions.Chat.Permissions;

/// <summary>The local default's permission requests, in memory.</summary>
public sealed class EmbeddedPermissionStore : IPermissionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PermissionRequestRecord> _requests = new(StringComparer.Ordinal);

    public Task<bool> AddAsync(PermissionRequestRecord request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            return Task.FromResult(_requests.TryAdd(request.RequestId, request));
        }
    }

    public Task SaveAsync(PermissionRequestRecord request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            _requests[request.RequestId] = request;
        }

        return Task.CompletedTask;
    }

    public Task<PermissionRequestRecord?> GetAsync(string requestId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_requests.GetValueOrDefault(requestId));
        }
    }

    public Task<bool> TryResolveAsync(string requestId, string outcome, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_requests.TryGetValue(requestId, out var request) || request.Outcome is not null)
            {
                return Task.FromResult(false);
            }

            _requests[requestId] = request with { Outcome = outcome };
            return Task.FromResult(true);
        }
    }
}
