using System.Globalization;
using System.Text.Json.Nodes;
using Serverless.Functions.Events;
using Serverless.Functions.Hooks;
using Serverless.Functions.Inbox;
using Serverless.Functions.Sources;

namespace Serverless.Functions.Questions;

/// <summary>
/// Questions from the session to its owner, whatever the chat: asked once per key, one waiting per chat,
/// answered once by someone allowed on the channel, closed when their time runs out. The answer goes to the
/// relay as an event on the channel's queue, and stays here for a relay that asks again.
/// </summary>
public sealed partial class QuestionDesk(
    IQuestionStore store,
    IEnumerable<IQuestionTransport> transports,
    EventIngress ingress,
    TimeProvider timeProvider,
    ILogger<QuestionDesk> logger)
{
    /// <summary>A question recorded this long ago without a message never reached its chat (the app stopped mid-ask).</summary>
    public static readonly TimeSpan UnsentAfter = TimeSpan.FromMinutes(5);

    /// <summary>The longest typed answer kept; a chat message is at most this long anyway.</summary>
    public const int MaxAnswerLength = 4096;

    /// <summary>How long a closed question is kept (its answer is replayed for a much shorter while).</summary>
    public static readonly TimeSpan KeptAfterClosing = TimeSpan.FromDays(7);

    private const int MaxAskAttempts = 5;

    private readonly IReadOnlyList<IQuestionTransport> _transports = [.. transports];

    public bool Enabled => _transports.Any(t => t.Enabled);

    public async Task<AskResult> AskAsync(QuestionDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var (transport, chat) = await ResolveChatAsync(draft.Channel, draft.ChatId, cancellationToken);
        if (transport is null || chat.ChatId is not { } chatId)
        {
            return new AskResult(AskOutcome.ChatRefused, Detail: chat.Refusal, Forbidden: chat.Forbidden);
        }

        var keyHash = QuestionKey.Hash(draft.Channel, draft.Key, chatId, draft.Text, draft.Options);
        var latest = await store.FindByKeyAsync(keyHash, cancellationToken);
        QuestionRecord question;
        for (var attempt = 1; ; attempt++)
        {
            if (latest is not null)
            {
                latest = await CloseIfDueAsync(latest, cancellationToken);
                if (Repeats(latest))
                {
                    return new AskResult(AskOutcome.Existing, latest);
                }
            }

            if (await WaitingInChatAsync(chatId, cancellationToken) is { } holder)
            {
                return new AskResult(AskOutcome.ChatBusy, holder);
            }

            var now = timeProvider.GetUtcNow();
            question = new QuestionRecord
            {
                Id = Guid.CreateVersion7(now).ToString("N"),
                Channel = draft.Channel,
                KeyHash = keyHash,
                Transport = transport.Name,
                ChatId = chatId,
                Text = draft.Text,
                Options = draft.Options,
                Format = draft.Format,
                TimeoutSeconds = draft.TimeoutSeconds,
                AskedAt = now,
            };
            var added = await store.TryAddAsync(question, latest?.Id, cancellationToken);
            if (added == QuestionAdd.Added)
            {
                break;
            }

            // Someone asked at the same moment: the same key (then that ask is this one), or in the same chat
            // (then the chat is busy). Looking again decides which; it settles at once unless the store is broken.
            if (attempt == MaxAskAttempts)
            {
                throw new InvalidOperationException($"The question store did not settle after {MaxAskAttempts} attempts to record a question in chat {chatId}.");
            }

            latest = await store.FindByKeyAsync(keyHash, cancellationToken);
        }

        LogAsked(question.Id, question.Channel, question.TimeoutSeconds);
        // Recorded, so finish asking even if the caller goes away: a question that holds its chat but was
        // never shown would block the chat until it expires.
        SentQuestion sent;
        try
        {
            sent = await transport.SendAsync(question, CancellationToken.None);
        }
        catch (QuestionNotSentException ex)
        {
            await store.TryCloseAsync(question.Id, new QuestionClosing(QuestionState.Failed, timeProvider.GetUtcNow()), CancellationToken.None);
            LogNotSent(question.Id, ex.Message);
            return new AskResult(AskOutcome.NotSent, Detail: ex.Message);
        }

        var saved = await store.SaveMessagesAsync(question.Id, sent.Messages, sent.FormattingDropped, CancellationToken.None) ?? question;
        if (saved.State != QuestionState.Waiting)
        {
            // Answered before its messages were recorded, so the answer could not replace the buttons: do it now.
            await transport.ShowOutcomeAsync(saved, CancellationToken.None);
        }

        return new AskResult(AskOutcome.Asked, saved);
    }

    /// <summary>
    /// The transport and chat to ask in: the one the chat id names, or else the first transport with a
    /// notification chat for the channel (Telegram first).
    /// </summary>
    private async Task<(IQuestionTransport? Transport, QuestionChat Chat)> ResolveChatAsync(string channel, string? chatId, CancellationToken cancellationToken)
    {
        if (chatId is { Length: > 0 })
        {
            var named = _transports.FirstOrDefault(t => t.Enabled && t.Name == Chat.ChatTransports.NameOf(chatId));
            return named is null
                ? (null, new QuestionChat(null, $"chat_id '{chatId}' names no configured chat service."))
                : (named, await named.ResolveChatAsync(channel, chatId, cancellationToken));
        }

        QuestionChat? first = null;
        foreach (var transport in _transports.Where(t => t.Enabled))
        {
            var chat = await transport.ResolveChatAsync(channel, null, cancellationToken);
            if (chat.ChatId is not null)
            {
                return (transport, chat);
            }

            first ??= chat;
        }

        return (null, first ?? new QuestionChat(null, "No chat service is configured."));
    }

    private IQuestionTransport? TransportOf(QuestionRecord question) =>
        _transports.FirstOrDefault(t => t.Enabled && t.Name == question.Transport);

    /// <summary>Replaces the question's buttons by its outcome, on the transport that carries it.</summary>
    private Task ShowOutcomeAsync(QuestionRecord question, CancellationToken cancellationToken) =>
        TransportOf(question)?.ShowOutcomeAsync(question, cancellationToken) ?? Task.CompletedTask;

    /// <summary>The question, if it is this channel's; a question of another channel reads as unknown.</summary>
    public async Task<QuestionRecord?> GetAsync(string channel, string id, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } question && question.Channel == channel
            ? await CloseIfDueAsync(question, cancellationToken)
            : null;

    /// <summary>
    /// Closes a waiting question of this channel because Claude stopped waiting for it (its call was
    /// cancelled); its buttons then say so and its chat is free. A question already closed stays as it is.
    /// </summary>
    public async Task<QuestionRecord?> WithdrawAsync(string channel, string id, CancellationToken cancellationToken)
    {
        if (await GetAsync(channel, id, cancellationToken) is not { } question)
        {
            return null;
        }

        if (question.State != QuestionState.Waiting)
        {
            return question;
        }

        if (await store.TryCloseAsync(id, new QuestionClosing(QuestionState.Withdrawn, timeProvider.GetUtcNow()), cancellationToken) is { } closed)
        {
            LogClosed(closed.Id, QuestionState.Withdrawn);
            await ShowOutcomeAsync(closed, CancellationToken.None);
            return closed;
        }

        // Answered or closed at the same moment: that outcome stands.
        return await store.GetAsync(id, cancellationToken) ?? question;
    }

    /// <summary>The question waiting in this chat (a chat reference names its transport), if any; one past its time is closed first.</summary>
    public async Task<QuestionRecord?> WaitingInChatAsync(string chatId, CancellationToken cancellationToken) =>
        await store.WaitingInChatAsync(Chat.ChatTransports.NameOf(chatId), chatId, cancellationToken) is { } question
        && await CloseIfDueAsync(question, cancellationToken) is { State: QuestionState.Waiting } waiting
            ? waiting
            : null;

    /// <summary>Records the first answer of someone allowed on the question's channel and sends it to the relay.</summary>
    public async Task<AnswerResult> AnswerAsync(string id, QuestionResponder responder, QuestionChoice choice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responder);
        ArgumentNullException.ThrowIfNull(choice);
        var question = await store.GetAsync(id, cancellationToken);
        if (question is null || TransportOf(question) is not { } transport
            || !await transport.MayAnswerAsync(responder.UserId, question.Channel, cancellationToken))
        {
            LogRefusedAnswer(id);
            return new AnswerResult(AnswerOutcome.NotAllowed, "You are not allowed to answer this.");
        }

        question = await CloseIfDueAsync(question, cancellationToken);
        switch (question.State)
        {
            case QuestionState.Answered:
                return new AnswerResult(AnswerOutcome.Closed, "This question was already answered.");
            case QuestionState.Expired:
                return new AnswerResult(AnswerOutcome.Closed, $"This question closed: no answer within {QuestionLimits.Describe(question.TimeoutSeconds)}.");
            case QuestionState.Failed:
                return new AnswerResult(AnswerOutcome.Closed, "This question is no longer open.");
            case QuestionState.Withdrawn:
                return new AnswerResult(AnswerOutcome.Closed, "This question was withdrawn: Claude no longer waits for an answer.");
        }

        string answer;
        if (choice.Option is { } option)
        {
            if (option < 0 || option >= question.Options.Count)
            {
                return new AnswerResult(AnswerOutcome.NoSuchOption, "That option does not exist.");
            }

            answer = question.Options[option];
        }
        else
        {
            answer = Summary.Clip(choice.Text ?? string.Empty, MaxAnswerLength);
        }

        var closed = await store.TryCloseAsync(id, new QuestionClosing(QuestionState.Answered, timeProvider.GetUtcNow(), answer, choice.Option, responder.Name), cancellationToken);
        if (closed is null)
        {
            return new AnswerResult(AnswerOutcome.Closed, "This question was already answered.");
        }

        // Answered: tell the relay and the chat even if the caller (Telegram's webhook call) goes away now.
        await TellRelayAsync(closed, responder, CancellationToken.None);
        await ShowOutcomeAsync(closed, CancellationToken.None);
        LogAnswered(id, closed.Channel);
        return new AnswerResult(AnswerOutcome.Answered, $"✅ Sent to Claude: {Summary.Clip(answer, 100)}");
    }

    /// <summary>
    /// Closes the questions whose time ran out even if no relay reads them again (their buttons then say
    /// so), and forgets the questions closed more than <see cref="KeptAfterClosing"/> ago.
    /// </summary>
    public async Task<QuestionSweep> SweepAsync(CancellationToken cancellationToken)
    {
        var closed = 0;
        foreach (var question in await store.HoldingChatsAsync(cancellationToken))
        {
            if ((await CloseIfDueAsync(question, cancellationToken)).State != QuestionState.Waiting)
            {
                closed++;
            }
        }

        var removed = await store.RemoveClosedBeforeAsync(timeProvider.GetUtcNow() - KeptAfterClosing, cancellationToken);
        return new QuestionSweep(closed, removed);
    }

    /// <summary>What the relay reads: the question as it stands, with the seconds left on this app's clock.</summary>
    public QuestionStatus Status(QuestionRecord question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var left = question.State == QuestionState.Waiting
            ? (int)Math.Ceiling(Math.Max(0, (question.ExpiresAt - timeProvider.GetUtcNow()).TotalSeconds))
            : 0;
        return new QuestionStatus(
            question.Id, question.State, question.ChatId, question.Text, question.Options, question.TimeoutSeconds, question.AskedAt, question.ExpiresAt, left)
        {
            Answer = question.Answer,
            Option = question.Option,
            AnsweredBy = question.AnsweredBy,
            Via = question.Transport,
            FormattingDropped = question.FormattingDropped ? true : null,
        };
    }

    /// <summary>A waiting question in a few words, for a caller told that it holds the chat.</summary>
    public static string Describe(QuestionRecord question, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(question);
        var left = (int)Math.Ceiling(Math.Max(1, (question.ExpiresAt - now).TotalSeconds));
        return string.Create(CultureInfo.InvariantCulture, $"\"{Summary.Clip(question.Text, 100)}\" (question {question.Id}, closes in {QuestionLimits.Describe(left)})");
    }

    /// <summary>
    /// The answer as an event on the channel's queue: it reaches the relay even if the relay was away when it
    /// was given. The question keeps the answer as well, so an event that cannot be stored loses nothing: the
    /// relay also reads the question while it waits.
    /// </summary>
    private async Task TellRelayAsync(QuestionRecord question, QuestionResponder responder, CancellationToken cancellationToken)
    {
        try
        {
            await ingress.AcceptAsync(question.Transport, question.Channel, new EventDraft
            {
                EventType = DecisionEvents.AnswerEventType,
                Subject = $"questions/{question.Id}",
                Summary = $"Answer to question {question.Id} from {responder.Name}: {Summary.Clip(question.Answer ?? string.Empty, 200)}",
                Trust = TrustLevel.Allowlisted,
                ChatId = question.ChatId,
                User = responder.UserId,
                UserName = responder.DisplayName,
                DeliveryId = $"answer:{question.Id}",
                Data = new JsonObject
                {
                    ["question_id"] = question.Id,
                    ["answer"] = question.Answer,
                    ["option"] = question.Option,
                    ["answered_by"] = question.AnsweredBy,
                },
                DataContentType = "application/json",
            }, cancellationToken);
        }
        catch (InboxUnavailableException ex)
        {
            LogEventNotStored(question.Id, ex.Message);
        }
    }

    /// <summary>A waiting question past its time closes as expired, and its buttons say so; reading it is what closes it.</summary>
    private async Task<QuestionRecord> CloseIfDueAsync(QuestionRecord question, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        QuestionState? ending = question.State != QuestionState.Waiting ? null
            : now >= question.ExpiresAt ? QuestionState.Expired
            : question.Messages.Count == 0 && now - question.AskedAt >= UnsentAfter ? QuestionState.Failed
            : null;
        if (ending is not { } state)
        {
            return question;
        }

        if (await store.TryCloseAsync(question.Id, new QuestionClosing(state, now), cancellationToken) is { } closed)
        {
            LogClosed(closed.Id, state);
            await ShowOutcomeAsync(closed, cancellationToken);
            return closed;
        }

        // Closed by someone else meanwhile (an answer just in time): theirs stands.
        return await store.GetAsync(question.Id, cancellationToken) ?? question;
    }

    /// <summary>Asking this key again gets this question back: while it waits, and for a while after its answer.</summary>
    private bool Repeats(QuestionRecord question) => question.State switch
    {
        QuestionState.Waiting => true,
        QuestionState.Answered => timeProvider.GetUtcNow() - (question.ClosedAt ?? question.AskedAt) < QuestionLimits.AnswerReplayWindow,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Asked question {QuestionId} for channel {Channel} ({TimeoutSeconds} s to answer)")]
    private partial void LogAsked(string questionId, string channel, int timeoutSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Question {QuestionId} could not be sent: {Reason}")]
    private partial void LogNotSent(string questionId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Question {QuestionId} of channel {Channel} was answered")]
    private partial void LogAnswered(string questionId, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Question {QuestionId} closed: {State}")]
    private partial void LogClosed(string questionId, QuestionState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored an answer to question {QuestionId} from someone not allowed on its channel (or no such question)")]
    private partial void LogRefusedAnswer(string questionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer to question {QuestionId} is recorded but its event could not be stored ({Reason}); the relay reads it from the question")]
    private partial void LogEventNotStored(string questionId, string reason);
}
