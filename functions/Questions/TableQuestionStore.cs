using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Inbox;

namespace Serverless.Functions.Questions;

/// <summary>
/// The durable question store: one Azure Table, one partition, so that a question, its key's pointer and
/// its chat's hold change together in one entity-group transaction (questions come at a human pace, far
/// below a partition's limits). Row keys: <c>id-{id}</c>, <c>key-{hash}</c>, <c>chat-{transport}-{chat}</c>.
/// </summary>
public sealed class TableQuestionStore(TableClient table) : IQuestionStore
{
    private const string Partition = "q";
    private const int MaxAttempts = 10;
    private readonly CreateOnce _table = new(() => table.CreateIfNotExistsAsync(CancellationToken.None));

    public async Task<QuestionRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        await GetEntityAsync(QuestionRow(id), cancellationToken) is { } entity ? ToQuestion(entity) : null;

    public async Task<QuestionRecord?> FindByKeyAsync(string keyHash, CancellationToken cancellationToken) =>
        await GetEntityAsync(KeyRow(keyHash), cancellationToken) is { } pointer && pointer.GetString("QuestionId") is { } id
            ? await GetAsync(id, cancellationToken)
            : null;

    public async Task<QuestionRecord?> WaitingInChatAsync(string transport, string chatId, CancellationToken cancellationToken) =>
        await GetEntityAsync(ChatRow(transport, chatId), cancellationToken) is { } hold && hold.GetString("QuestionId") is { } id
            ? await GetAsync(id, cancellationToken)
            : null;

    public async Task<QuestionAdd> TryAddAsync(QuestionRecord question, string? replacing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        var pointer = await GetEntityAsync(KeyRow(question.KeyHash), cancellationToken);
        if (pointer?.GetString("QuestionId") != replacing)
        {
            return QuestionAdd.KeyTaken;
        }

        var newPointer = new TableEntity(Partition, KeyRow(question.KeyHash)) { ["QuestionId"] = question.Id };
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, ToEntity(question)),
            new(TableTransactionActionType.Add, new TableEntity(Partition, ChatRow(question.Transport, question.ChatId)) { ["QuestionId"] = question.Id }),
            pointer is null
                ? new(TableTransactionActionType.Add, newPointer)
                : new(TableTransactionActionType.UpdateReplace, newPointer, pointer.ETag),
        };
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
            return QuestionAdd.Added;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
        {
            // Nothing was written. Which rule stopped it: the chat's hold, or someone else's ask of the key.
            return await GetEntityAsync(ChatRow(question.Transport, question.ChatId), cancellationToken) is not null
                ? QuestionAdd.ChatBusy
                : QuestionAdd.KeyTaken;
        }
    }

    public async Task<QuestionRecord?> TryCloseAsync(string id, QuestionClosing closing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(closing);
        for (var attempt = 1; ; attempt++)
        {
            var entity = await GetEntityAsync(QuestionRow(id), cancellationToken);
            if (entity is null || ToQuestion(entity) is not { State: QuestionState.Waiting } question)
            {
                return null;
            }

            var closed = question.Closed(closing);
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, ToEntity(closed), entity.ETag) };
            if (await GetEntityAsync(ChatRow(question.Transport, question.ChatId), cancellationToken) is { } hold && hold.GetString("QuestionId") == id)
            {
                actions.Add(new(TableTransactionActionType.Delete, hold, hold.ETag));
            }

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return closed;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412 && attempt < MaxAttempts)
            {
                // The row changed since it was read (its messages were recorded, or another closing won): read
                // it again; only a question still waiting can be closed.
            }
        }
    }

    public async Task<QuestionRecord?> SaveMessagesAsync(string id, IReadOnlyList<QuestionMessage> messages, bool formattingDropped, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var entity = await GetEntityAsync(QuestionRow(id), cancellationToken);
            if (entity is null)
            {
                return null;
            }

            var question = ToQuestion(entity);
            var saved = question with
            {
                Messages = messages,
                FormattingDropped = formattingDropped,
                Format = formattingDropped ? QuestionFormat.Text : question.Format,
            };
            try
            {
                await table.UpdateEntityAsync(ToEntity(saved), entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return saved;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
                // Closed in the meantime (a quick tap): keep its outcome, add the messages.
            }
        }
    }

    public async Task<IReadOnlyList<QuestionRecord>> HoldingChatsAsync(CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        var holding = new List<QuestionRecord>();
        // Row keys "chat-..." sort between "chat-" and "chat." ('.' follows '-').
        var holds = table.QueryAsync<TableEntity>($"PartitionKey eq '{Partition}' and RowKey ge 'chat-' and RowKey lt 'chat.'", select: ["QuestionId"], cancellationToken: cancellationToken);
        await foreach (var hold in holds)
        {
            if (hold.GetString("QuestionId") is { } id && await GetAsync(id, cancellationToken) is { State: QuestionState.Waiting } question)
            {
                holding.Add(question);
            }
        }

        return holding;
    }

    public async Task<int> RemoveClosedBeforeAsync(DateTimeOffset closedBefore, CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        var removed = 0;
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Partition} and RowKey ge {"id-"} and RowKey lt {"id."} and ClosedAt lt {closedBefore}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var question = ToQuestion(entity);
            if (question.State == QuestionState.Waiting)
            {
                continue;
            }

            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Delete, entity, entity.ETag) };
            if (await GetEntityAsync(KeyRow(question.KeyHash), cancellationToken) is { } pointer && pointer.GetString("QuestionId") == question.Id)
            {
                actions.Add(new(TableTransactionActionType.Delete, pointer, pointer.ETag));
            }

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                removed++;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
            {
                // Changed or removed since it was read (the key asked again, another sweep): the next sweep looks again.
            }
        }

        return removed;
    }

    private static string QuestionRow(string id) => $"id-{id}";

    private static string KeyRow(string keyHash) => $"key-{keyHash}";

    private static string ChatRow(string transport, string chatId) => $"chat-{transport}-{chatId}";

    private static TableEntity ToEntity(QuestionRecord q) => new(Partition, QuestionRow(q.Id))
    {
        ["Channel"] = q.Channel,
        ["KeyHash"] = q.KeyHash,
        ["Transport"] = q.Transport,
        ["ChatId"] = q.ChatId,
        ["Text"] = q.Text,
        ["Options"] = JsonSerializer.Serialize(q.Options),
        ["Format"] = q.Format.ToString(),
        ["TimeoutSeconds"] = q.TimeoutSeconds,
        ["AskedAt"] = q.AskedAt,
        ["State"] = q.State.ToString(),
        ["Answer"] = q.Answer,
        ["Option"] = q.Option,
        ["AnsweredBy"] = q.AnsweredBy,
        ["ClosedAt"] = q.ClosedAt,
        ["Messages"] = JsonSerializer.Serialize(q.Messages.Select(m => new[] { m.ChatId, m.MessageId })),
        ["FormattingDropped"] = q.FormattingDropped,
    };

    private static QuestionRecord ToQuestion(TableEntity e) => new()
    {
        Id = e.RowKey["id-".Length..],
        Channel = e.GetString("Channel") ?? string.Empty,
        KeyHash = e.GetString("KeyHash") ?? string.Empty,
        Transport = e.GetString("Transport") ?? string.Empty,
        ChatId = e.GetString("ChatId") ?? string.Empty,
        Text = e.GetString("Text") ?? string.Empty,
        Options = JsonSerializer.Deserialize<string[]>(e.GetString("Options") ?? "[]") ?? [],
        Format = Enum.TryParse<QuestionFormat>(e.GetString("Format"), out var format) ? format : QuestionFormat.Text,
        TimeoutSeconds = e.GetInt32("TimeoutSeconds") ?? 0,
        AskedAt = e.GetDateTimeOffset("AskedAt") ?? DateTimeOffset.MinValue,
        // A state this version does not know reads as failed: closed, never waiting.
        State = Enum.TryParse<QuestionState>(e.GetString("State"), out var state) ? state : QuestionState.Failed,
        Answer = e.GetString("Answer"),
        Option = e.GetInt32("Option"),
        AnsweredBy = e.GetString("AnsweredBy"),
        ClosedAt = e.GetDateTimeOffset("ClosedAt"),
        Messages = [.. (JsonSerializer.Deserialize<string[][]>(e.GetString("Messages") ?? "[]") ?? []).Select(m => new QuestionMessage(m[0], m[1]))],
        FormattingDropped = e.GetBoolean("FormattingDropped") ?? false,
    };

    private async Task<TableEntity?> GetEntityAsync(string row, CancellationToken cancellationToken)
    {
        await _table.EnsureAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition, row, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
