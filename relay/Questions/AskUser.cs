using System.Globalization;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using Serverless.Contracts;
using Serverless.Relay.Channel;
using Serverless.Relay.Connection;

namespace Serverless.Relay.Questions;

/// <summary>
/// One <c>ask_user</c> call: ask through the function app, then wait for the answer event (or read the
/// question every <see cref="AskUserOptions.CheckInterval"/>) until it is answered or its time runs out,
/// reporting progress meanwhile. The question and its answer live in the function app, so a call made again
/// after a restart finds them.
/// </summary>
public sealed partial class AskUser(
    IQuestionApi api,
    QuestionSignals signals,
    TimeProvider timeProvider,
    ILogger<AskUser> logger,
    AskUserOptions? options = null,
    IHostApplicationLifetime? lifetime = null)
{
    /// <summary>How long withdrawing a question may take once its call was cancelled.</summary>
    public static readonly TimeSpan WithdrawBudget = TimeSpan.FromSeconds(5);

    private readonly AskUserOptions _options = options ?? new AskUserOptions();

    /// <summary>Asks and waits; returns the text for Claude: the answer and who gave it, or that none came in time.</summary>
    /// <exception cref="RelayApiException">The function app refused the question or could not be reached.</exception>
    public async Task<string> AskAsync(AskRequest question, IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(progress);
        var status = await AskOnceAsync(question, cancellationToken);
        LogWaiting(status.Id, status.State, status.SecondsLeft);
        try
        {
            status = await WaitAsync(status, progress, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && lifetime?.ApplicationStopping.IsCancellationRequested != true)
        {
            // The client cancelled the call (notifications/cancelled): nobody waits for the
            // answer any more, so the question closes and its buttons say so. Not when the relay is stopping:
            // a restarted relay asks again with the same key and must find the question still open.
            await WithdrawAsync(status.Id);
            throw;
        }

        LogClosed(status.Id, status.State);
        return Describe(status);
    }

    private async Task<QuestionStatus> WaitAsync(QuestionStatus status, IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken)
    {
        while (status.State == QuestionState.Waiting)
        {
            var signal = signals.NextAsync(status.Id);
            try
            {
                progress.Report(Progress(status));
                var wait = TimeSpan.FromSeconds(Math.Max(1, status.SecondsLeft));
                using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await Task.WhenAny(signal, Task.Delay(wait < _options.CheckInterval ? wait : _options.CheckInterval, timeProvider, timer.Token));
                await timer.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }
            finally
            {
                signals.Forget(status.Id, signal);
            }

            status = await ReadAsync(status, cancellationToken);
        }

        return status;
    }

    private async Task WithdrawAsync(string questionId)
    {
        using var budget = new CancellationTokenSource(WithdrawBudget, timeProvider);
        try
        {
            var status = await api.WithdrawQuestionAsync(questionId, budget.Token);
            LogWithdrawn(questionId, status.State);
        }
        catch (Exception ex) when (ex is RelayApiException or OperationCanceledException)
        {
            // The app closes it at its deadline anyway.
            LogWithdrawFailed(questionId, ex.Message);
        }
    }

    /// <summary>The ask, tried again when the app could not be reached: the same key returns the same question, never a second one.</summary>
    private async Task<QuestionStatus> AskOnceAsync(AskRequest question, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await api.AskAsync(question, cancellationToken);
            }
            catch (RelayApiException ex) when (attempt < _options.MaxAskAttempts && ex.Status is null or HttpStatusCode.ServiceUnavailable)
            {
                LogAskRetried(attempt, ex.Message);
                await Task.Delay(_options.AskRetryDelay * attempt, timeProvider, cancellationToken);
            }
        }
    }

    /// <summary>The question as the app now has it; a failed read keeps waiting while time is left (the answer stays in the app).</summary>
    private async Task<QuestionStatus> ReadAsync(QuestionStatus status, CancellationToken cancellationToken)
    {
        try
        {
            return await api.GetQuestionAsync(status.Id, cancellationToken);
        }
        catch (RelayApiException ex) when (ex.Status is null or >= HttpStatusCode.InternalServerError)
        {
            var left = status.ExpiresAt - timeProvider.GetUtcNow();
            if (left <= -_options.CheckInterval)
            {
                throw new RelayApiException($"{ex.Message}. The question {status.Id} may have been answered meanwhile: call ask_user again with the same arguments (or key) to get its outcome.", ex);
            }

            LogReadFailed(status.Id, ex.Message);
            // Past its time the app must close it, so the next read comes a check interval later.
            return status with { SecondsLeft = left > TimeSpan.Zero ? (int)Math.Ceiling(left.TotalSeconds) : (int)_options.CheckInterval.TotalSeconds };
        }
    }

    private static ProgressNotificationValue Progress(QuestionStatus status)
    {
        var elapsed = Math.Clamp(status.TimeoutSeconds - status.SecondsLeft, 0, status.TimeoutSeconds);
        return new ProgressNotificationValue
        {
            Progress = elapsed,
            Total = status.TimeoutSeconds,
            Message = UntrustedText.Clean(string.Create(
                CultureInfo.InvariantCulture,
                $"Asked in chat {status.ChatId}{Via(status)}; waiting for an answer (closes in {QuestionLimits.Describe(Math.Max(1, status.SecondsLeft))})."))
        };
    }

    /// <summary>The tool's result: what the user answered and who, or that no answer came in time.</summary>
    public static string Describe(QuestionStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        // The answer and who gave it are text from a chat, the chat and transport names come from the app.
        return UntrustedText.Clean(status.State switch
        {
            QuestionState.Answered when status.Option is { } option =>
                $"{status.AnsweredBy} chose \"{status.Answer}\" (option {option + 1} of {status.Options.Count}){Via(status)}. (question {status.Id})",
            QuestionState.Answered =>
                $"{status.AnsweredBy} answered{Via(status)}: \"{status.Answer}\"{(status.Options.Count > 0 ? " (typed, not one of the options)" : string.Empty)}. (question {status.Id})",
            QuestionState.Expired =>
                $"No answer within {QuestionLimits.Describe(status.TimeoutSeconds)}: the question is closed and its buttons say so. Go on as your instructions say for an unanswered question. (question {status.Id})",
            QuestionState.Withdrawn =>
                $"The question was withdrawn before anyone answered (an earlier ask_user call was cancelled); ask again with a new key to ask afresh. (question {status.Id})",
            _ => throw new RelayApiException($"The question could not be shown in chat {status.ChatId}, so nobody saw it. (question {status.Id})"),
        });
    }

    private static string Via(QuestionStatus status) =>
        status.Via switch
        {
            null => string.Empty,
            "telegram" => " on Telegram",
            var other => $" on {other}",
        };

    [LoggerMessage(Level = LogLevel.Information, Message = "ask_user: question {QuestionId} is {State}, {SecondsLeft} s left")]
    private partial void LogWaiting(string questionId, QuestionState state, int secondsLeft);

    [LoggerMessage(Level = LogLevel.Information, Message = "ask_user: question {QuestionId} closed as {State}")]
    private partial void LogClosed(string questionId, QuestionState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ask_user: the function app could not be reached (attempt {Attempt}): {Reason}; asking again with the same key")]
    private partial void LogAskRetried(int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "ask_user: the call for question {QuestionId} was cancelled; the question is now {State}")]
    private partial void LogWithdrawn(string questionId, QuestionState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ask_user: the call for question {QuestionId} was cancelled but the question could not be withdrawn ({Reason}); it closes at its deadline")]
    private partial void LogWithdrawFailed(string questionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ask_user: could not read question {QuestionId} ({Reason}); still waiting")]
    private partial void LogReadFailed(string questionId, string reason);
}
