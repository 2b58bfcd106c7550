using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Hooks;
using Serverless.Functions.Inbox;
using Serverless.Functions.Security;
using Serverless.Functions.Sources.Dedupe;

namespace Serverless.Functions.Chat.Telegram;

/// <summary><c>POST /api/telegram</c>: Telegram's webhook, checked with its secret token, each update handled once.</summary>
public static partial class TelegramEndpoints
{
    private const int MaxUpdateBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapTelegram(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/telegram", ReceiveAsync).WithName("telegram");
        return endpoints;
    }

    private static async Task<Results<Ok<IgnoredBody>, UnauthorizedHttpResult, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request,
        IOptions<TelegramOptions> options,
        IDeliveryLog deliveries,
        TelegramUpdateHandler handler,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(TelegramEndpoints));
        if (!options.Value.Enabled)
        {
            return TypedResults.Problem("Telegram is not configured (Telegram:BotToken).", statusCode: StatusCodes.Status404NotFound);
        }

        if (!SecretComparer.Matches(request.Headers["X-Telegram-Bot-Api-Secret-Token"].ToString(), options.Value.SecretToken))
        {
            LogBadSecret(logger);
            return TypedResults.Unauthorized();
        }

        var body = await BoundedBody.ReadAsync(request, MaxUpdateBytes, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem("The update is too large.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var update = Sources.Json.Parse(body) as JsonObject;

        var updateId = Sources.Json.WholeNumber(update, "update_id")?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (update is null || updateId is null)
        {
            return TypedResults.Problem("The body is not a Telegram update.", statusCode: StatusCodes.Status400BadRequest);
        }

        // A storage failure is a 503 (ServiceFailureFilter) and Telegram retries the update, so nothing is lost.
        if (await deliveries.SeenAsync("telegram", "updates", updateId, cancellationToken))
        {
            return TypedResults.Ok(new IgnoredBody(DeliveryOutcome.Duplicate, $"update {updateId} was already handled"));
        }

        var outcome = await handler.HandleAsync(update, cancellationToken);
        await deliveries.RecordAsync("telegram", "updates", updateId, TimeSpan.FromDays(1), cancellationToken);
        return TypedResults.Ok(new IgnoredBody(DeliveryOutcome.Handled, outcome));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Telegram webhook call with a missing or wrong secret token")]
    private static partial void LogBadSecret(ILogger logger);
}
