namespace Serverless.Contracts;

/// <summary>A permission answer, as Claude Code's <c>notifications/claude/channel/permission</c> names it: carried from the function app to the relay as an event attribute.</summary>
public enum PermissionBehavior
{
    Allow,
    Deny,
}

public static class PermissionBehaviorNames
{
    /// <summary>The wire name: <c>allow</c> or <c>deny</c>.</summary>
    public static string ToWire(this PermissionBehavior behavior) => behavior == PermissionBehavior.Allow ? "allow" : "deny";

    public static PermissionBehavior? FromWire(string? name) => name switch
    {
        "allow" => PermissionBehavior.Allow,
        "deny" => PermissionBehavior.Deny,
        _ => null,
    };
}
