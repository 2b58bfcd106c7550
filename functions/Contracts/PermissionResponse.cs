namespace Serverless.Contracts;

public sealed record PermissionResponse(int Chats);
