namespace Serverless.Functions.History;

/// <summary>The steps an accepted event passes, in the order it normally passes them.</summary>
public enum EventStep
{
    Received,
    Stored,
    Rung,
    Taken,
    Shown,
    Acknowledged,
    DeadLettered,
    Released,
}
