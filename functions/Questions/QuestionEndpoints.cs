using Microsoft.AspNetCore.Http.HttpResults;
using Serverless.Functions.Hosting;
using Serverless.Functions.Relay;

namespace Serverless.Functions.Questions;

/// <summary>
/// The relay's <c>ask_user</c> calls: ask a question (or get the same one back by its key) and read where it
/// stands. Relay token and channel checked as on every relay route.
/// </summary>
public static class QuestionEndpoints
{
    public static IEndpointRouteBuilder MapQuestions(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/relay").WithMetadata(RequestBodyLimit.RelayApi)
            .AddEndpointFilter(RelayEndpoints.RequireRelayTokenAsync);
        group.MapPost("/questions", AskAsync).WithName("relay-questions");
        group.MapGet("/questions/{id}", GetAsync).WithName("relay-question");
        group.MapDelete("/questions/{id}", WithdrawAsync).WithName("relay-question-withdraw");
        return endpoints;
    }

    private static async Task<Results<Ok<QuestionStatus>, ProblemHttpResult>> AskAsync(
        AskRequest body, QuestionDesk desk, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!desk.Enabled)
        {
            return NoTransport();
        }

        if (!QuestionDraft.TryCreate(body, out var draft, out var error))
        {
            return TypedResults.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }

        var asked = await desk.AskAsync(draft, cancellationToken);
        return asked.Outcome switch
        {
            AskOutcome.Asked or AskOutcome.Existing => TypedResults.Ok(desk.Status(asked.Question!)),
            AskOutcome.ChatBusy => TypedResults.Problem(Busy(asked.Question!, draft.Channel, timeProvider.GetUtcNow()), statusCode: StatusCodes.Status409Conflict),
            AskOutcome.ChatRefused => TypedResults.Problem(asked.Detail, statusCode: asked.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest),
            _ => TypedResults.Problem($"The question could not be sent: {asked.Detail}", statusCode: StatusCodes.Status502BadGateway),
        };
    }

    private static Task<Results<Ok<QuestionStatus>, ProblemHttpResult>> GetAsync(
        string id, HttpRequest request, QuestionDesk desk, CancellationToken cancellationToken) =>
        OneAsync(id, request, desk, desk.GetAsync, cancellationToken);

    /// <summary><c>DELETE</c>: Claude no longer waits (its call was cancelled); answers with the question as it now stands.</summary>
    private static Task<Results<Ok<QuestionStatus>, ProblemHttpResult>> WithdrawAsync(
        string id, HttpRequest request, QuestionDesk desk, CancellationToken cancellationToken) =>
        OneAsync(id, request, desk, desk.WithdrawAsync, cancellationToken);

    private static async Task<Results<Ok<QuestionStatus>, ProblemHttpResult>> OneAsync(
        string id, HttpRequest request, QuestionDesk desk, Func<string, string, CancellationToken, Task<QuestionRecord?>> act, CancellationToken cancellationToken)
    {
        if (!RelayEndpoints.TryQueryChannel(request, out var channel, out var problem))
        {
            return problem;
        }

        if (!QuestionLimits.IsQuestionId(id))
        {
            return TypedResults.Problem("A question id is 32 hex digits.", statusCode: StatusCodes.Status400BadRequest);
        }

        return await act(channel, id, cancellationToken) is { } question
            ? TypedResults.Ok(desk.Status(question))
            : TypedResults.Problem($"No question {id} on channel {channel}.", statusCode: StatusCodes.Status404NotFound);
    }

    /// <summary>Only a question of the caller's own channel is described; another channel's stays a stranger's business.</summary>
    private static string Busy(QuestionRecord holder, string channel, DateTimeOffset now) =>
        (holder.Channel == channel
            ? $"Chat {holder.ChatId} already has a question waiting for an answer: {QuestionDesk.Describe(holder, now)}."
            : $"Chat {holder.ChatId} already has a question of another session waiting for an answer.")
        + " One question per chat is open at a time: ask again once it is answered or closed, or ask in another chat (chat_id).";

    private static ProblemHttpResult NoTransport() =>
        TypedResults.Problem("No chat is configured to ask in: configure Telegram (Telegram:BotToken), Slack (Slack:SigningSecret and Slack:BotToken) or Discord (Discord:PublicKey, Discord:ApplicationId and Discord:BotToken) on the function app.", statusCode: StatusCodes.Status404NotFound);
}
