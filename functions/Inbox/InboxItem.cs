using Serverless.Functions.Events;

namespace Serverless.Functions.Inbox;

/// <summary>An event handed out by the inbox, with the opaque receipt that acknowledges it.</summary>
public sealed record InboxItem(ChannelEvent Event, string Receipt, long DeliveryCount);
