using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Serverless.Functions.Chat;
using Serverless.Functions.Hooks;
using Serverless.Functions.Sources.Dedupe;

namespace Serverless.Functions.Chat.Discord;

/// <summary>
/// <c>POST /api/discord/interactions</c>: the application's Interactions Endpoint URL. Every request is checked
/// against the application's public key (401 otherwise, which Discord's own endpoint check expects), PING is
/// answered, the slash command goes to the conversation as a message and a button press as a button press.
/// </summary>
/// <remarks>
/// Answers are immediate and ephemeral (callback type 4, flag 64): handling a message is one durable store
/// (milliseconds), well within Discord's three seconds, and a deferred answer (type 5) would need work after
/// the HTTP response, which a function app does not promise to run. Ephemeral, because the answer may be a
/// pairing code or a permission outcome meant for the presser alone.
/// </remarks>
public static partial class DiscordEndpoints
{
    private const int MaxInteractionBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapDiscord(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/discord/interactions", ReceiveAsync).WithName("discord-interactions");
        return endpoints;
    }

    internal static ProblemHttpResult NotConfigured() =>
        TypedResults.Problem($"Discord is not configured ({DiscordOptions.EnablingSettings}).", statusCode: StatusCodes.Status404NotFound);

    private static async Task<Results<Ok<DiscordInteractionResponse>, UnauthorizedHttpResult, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request,
        IOptions<DiscordOptions> options,
        DiscordChatTransport discord,
        ChatConversation conversation,
        IDeliveryLog deliveries,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(DiscordEndpoints));
        if (!options.Value.Enabled)
        {
            return NotConfigured();
        }

        var body = await BoundedBody.ReadAsync(request, MaxInteractionBytes, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem("The interaction is too large.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var check = DiscordSignature.Check(
            options.Value.PublicKey!,
            request.Headers["X-Signature-Ed25519"].ToString(),
            request.Headers["X-Signature-Timestamp"].ToString(),
            body,
            timeProvider.GetUtcNow());
        if (check != DiscordSignatureCheck.Valid)
        {
            LogRefused(logger, check);
            return TypedResults.Unauthorized();
        }

        if (DiscordInteraction.Parse(Sources.Json.Parse(body)) is not { } interaction)
        {
            return TypedResults.Problem("The body is not a Discord interaction.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (interaction.Type == DiscordInteractionType.Ping)
        {
            return TypedResults.Ok(DiscordInteractionResponse.Pong);
        }

        // A signed request can be sent again within the timestamp's window: the second one changes nothing.
        if (await deliveries.SeenAsync(DiscordIds.Transport, "interactions", interaction.Id, cancellationToken))
        {
            return TypedResults.Ok(DiscordInteractionResponse.Ephemeral("This was already handled."));
        }

        var answer = interaction.Type == DiscordInteractionType.ApplicationCommand
            ? await CommandAsync(interaction, discord, conversation, logger, cancellationToken)
            : await ButtonAsync(interaction, discord, conversation, logger, cancellationToken);
        await deliveries.RecordAsync(DiscordIds.Transport, "interactions", interaction.Id, TimeSpan.FromDays(1), cancellationToken);
        return TypedResults.Ok(DiscordInteractionResponse.Ephemeral(answer));
    }

    /// <exception cref="Inbox.InboxUnavailableException">Not stored: a 503, and Discord shows the person that the command failed.</exception>
    private static async Task<string> CommandAsync(
        DiscordInteraction interaction, DiscordChatTransport discord, ChatConversation conversation, ILogger logger, CancellationToken cancellationToken)
    {
        if (interaction.ToMessage() is not { } message)
        {
            return $"Unknown command: use /{DiscordSlashCommand.Name} {DiscordSlashCommand.TextOption}:<what to send>.";
        }

        var replies = new DiscordInteractionReplies(discord, message.ChatReference);
        var outcome = await conversation.HandleMessageAsync(replies, message, cancellationToken);
        LogHandled(logger, interaction.Id, outcome);
        return replies.Said ?? Describe(outcome, message, discord);
    }

    private static async Task<string> ButtonAsync(
        DiscordInteraction interaction, DiscordChatTransport discord, ChatConversation conversation, ILogger logger, CancellationToken cancellationToken)
    {
        if (interaction.ToButtonPress() is not { } press)
        {
            return "Unknown action.";
        }

        var answer = await conversation.HandleButtonAsync(discord, press, cancellationToken);
        // The button's data, not the answer: "See more" answers with the tool's input, which stays out of logs.
        LogButton(logger, interaction.Id, press.Data);
        return answer.Text;
    }

    /// <summary>What the person is told when the conversation said nothing to them itself.</summary>
    private static string Describe(string outcome, ChatInboundMessage message, DiscordChatTransport discord) => outcome switch
    {
        _ when outcome.StartsWith("stored ", StringComparison.Ordinal) => "Sent to the Claude Code session.",
        _ when outcome.StartsWith("question ", StringComparison.Ordinal) => "Your answer was passed on.",
        _ when message.Kind == ChatKind.Group && IsGroupRefusal(outcome) && !discord.IsAllowedGroup(message.ChatReference) =>
            "Not sent: this channel does not talk to a Claude Code session. Use /claude in a direct message with the bot.",
        _ when message.Kind == ChatKind.Group && IsGroupRefusal(outcome) =>
            "Not sent: you are not allowed on this channel's session. Use /claude in a direct message with the bot to pair.",
        _ when outcome.StartsWith("ignored: ", StringComparison.Ordinal) => $"Not sent ({outcome["ignored: ".Length..]}).",
        _ => outcome,
    };

    // The conversation's words for a server channel message it would not forward: a channel not allowed, or a sender not allowed there.
    private static bool IsGroupRefusal(string outcome) =>
        outcome.StartsWith("ignored: group message", StringComparison.Ordinal) || outcome.StartsWith("ignored: sender", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Discord interaction: signature {Check}")]
    private static partial void LogRefused(ILogger logger, DiscordSignatureCheck check);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord interaction {InteractionId}: button {Data} answered")]
    private static partial void LogButton(ILogger logger, string interactionId, string data);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord interaction {InteractionId}: {Outcome}")]
    private static partial void LogHandled(ILogger logger, string interactionId, string outcome);
}
