using Serverless.Contracts;
using Serverless.Functions.Inbox;
using Serverless.Functions.Questions;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The Table Storage question store against Azurite: a question, its key and its chat's hold change together
/// in one transaction, and of many closings at once exactly one wins.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class TableQuestionStoreTests(AzuriteFixture fixture)
{
    private TableQuestionStore Store() =>
        new(StorageClients.CreateTable(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString }, "questions" + Guid.NewGuid().ToString("N")[..8]));

    private static QuestionRecord Question(string key = "key-1", string chat = "111", string? id = null) => new()
    {
        Id = id ?? Guid.NewGuid().ToString("N"),
        Channel = "ops",
        KeyHash = key,
        Transport = "telegram",
        ChatId = chat,
        Text = "Deploy?",
        Options = ["Deploy", "Wait"],
        Format = QuestionFormat.MarkdownV2,
        TimeoutSeconds = 600,
        AskedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };

    [Fact]
    public async Task A_question_is_found_by_id_key_and_chat_and_comes_back_as_it_was_stored()
    {
        var store = Store();
        var question = Question();

        Assert.Equal(QuestionAdd.Added, await store.TryAddAsync(question, null, default));
        var saved = await store.SaveMessagesAsync(question.Id, [new QuestionMessage("111", "1001")], formattingDropped: true, default);

        var byId = await store.GetAsync(question.Id, default);
        Assert.NotNull(byId);
        Assert.Equal((question.Channel, question.Text, question.ChatId, question.TimeoutSeconds, question.AskedAt), (byId.Channel, byId.Text, byId.ChatId, byId.TimeoutSeconds, byId.AskedAt));
        Assert.Equal(question.Options, byId.Options);
        Assert.Equal([new QuestionMessage("111", "1001")], byId.Messages);
        Assert.Equal((QuestionState.Waiting, QuestionFormat.Text, true), (byId.State, byId.Format, byId.FormattingDropped));
        Assert.Equal(saved, byId with { Options = saved!.Options, Messages = saved.Messages });
        Assert.Equal(question.Id, (await store.FindByKeyAsync("key-1", default))?.Id);
        Assert.Equal(question.Id, (await store.WaitingInChatAsync("telegram", "111", default))?.Id);
        Assert.Null(await store.WaitingInChatAsync("telegram", "222", default));
        Assert.Null(await store.GetAsync(Guid.NewGuid().ToString("N"), default));
    }

    [Fact]
    public async Task A_chat_holds_one_waiting_question_and_a_key_points_at_the_ask_that_won()
    {
        var store = Store();
        var first = Question();

        Assert.Equal(QuestionAdd.Added, await store.TryAddAsync(first, null, default));
        Assert.Equal(QuestionAdd.ChatBusy, await store.TryAddAsync(Question(key: "key-2"), null, default));
        Assert.Equal(QuestionAdd.KeyTaken, await store.TryAddAsync(Question(chat: "222"), null, default));
        Assert.Equal(QuestionAdd.KeyTaken, await store.TryAddAsync(Question(chat: "222"), "someone-else", default));

        // Nothing of the refused asks was written.
        Assert.Equal(first.Id, (await store.FindByKeyAsync("key-1", default))?.Id);
        Assert.Null(await store.FindByKeyAsync("key-2", default));
        Assert.Null(await store.WaitingInChatAsync("telegram", "222", default));

        var closed = await store.TryCloseAsync(first.Id, new QuestionClosing(QuestionState.Answered, DateTimeOffset.UnixEpoch, "Deploy", 0, "@ann"), default);
        Assert.Equal((QuestionState.Answered, "Deploy", 0, "@ann", DateTimeOffset.UnixEpoch), (closed!.State, closed.Answer, closed.Option, closed.AnsweredBy, closed.ClosedAt));
        Assert.Null(await store.WaitingInChatAsync("telegram", "111", default));

        // The same key asked afresh replaces the answered question, in the chat it freed.
        var again = Question();
        Assert.Equal(QuestionAdd.Added, await store.TryAddAsync(again, first.Id, default));
        Assert.Equal(again.Id, (await store.FindByKeyAsync("key-1", default))?.Id);
        Assert.Equal(QuestionState.Answered, (await store.GetAsync(first.Id, default))!.State);
    }

    [Fact]
    public async Task Of_many_closings_at_once_exactly_one_wins_and_the_chat_is_free_after()
    {
        var store = Store();
        var question = Question();
        await store.TryAddAsync(question, null, default);

        var closings = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.TryCloseAsync(
            question.Id,
            i % 2 == 0 ? new QuestionClosing(QuestionState.Answered, DateTimeOffset.UnixEpoch, $"answer {i}", null, "@ann") : new QuestionClosing(QuestionState.Expired, DateTimeOffset.UnixEpoch),
            default)));

        var winner = Assert.Single(closings, c => c is not null);
        var stored = await store.GetAsync(question.Id, default);
        Assert.Equal((winner!.State, winner.Answer), (stored!.State, stored.Answer));
        Assert.Null(await store.WaitingInChatAsync("telegram", "111", default));
        Assert.Null(await store.TryCloseAsync(question.Id, new QuestionClosing(QuestionState.Expired, DateTimeOffset.UnixEpoch), default));
    }

    [Fact]
    public async Task Messages_recorded_after_a_quick_answer_keep_the_answer()
    {
        var store = Store();
        var question = Question();
        await store.TryAddAsync(question, null, default);
        await store.TryCloseAsync(question.Id, new QuestionClosing(QuestionState.Answered, DateTimeOffset.UnixEpoch, "Wait", 1, "@ann"), default);

        var saved = await store.SaveMessagesAsync(question.Id, [new QuestionMessage("111", "7")], formattingDropped: false, default);

        Assert.Equal((QuestionState.Answered, "Wait"), (saved!.State, saved.Answer));
        Assert.Equal("7", Assert.Single((await store.GetAsync(question.Id, default))!.Messages).MessageId);
    }

    [Fact]
    public async Task The_sweep_finds_the_questions_holding_chats_and_forgets_only_those_closed_before_the_cut()
    {
        var store = Store();
        var closedAt = new DateTimeOffset(2026, 1, 3, 0, 0, 0, TimeSpan.Zero);
        var old = Question(key: "old", chat: "1");
        var recent = Question(key: "recent", chat: "2");
        var waiting = Question(key: "waiting", chat: "3");
        foreach (var question in new[] { old, recent, waiting })
        {
            Assert.Equal(QuestionAdd.Added, await store.TryAddAsync(question, null, default));
        }

        await store.TryCloseAsync(old.Id, new QuestionClosing(QuestionState.Answered, closedAt, "Deploy", 0, "@owner"), default);
        await store.TryCloseAsync(recent.Id, new QuestionClosing(QuestionState.Expired, closedAt.AddDays(2)), default);

        Assert.Equal([waiting.Id], (await store.HoldingChatsAsync(default)).Select(q => q.Id));
        Assert.Equal(1, await store.RemoveClosedBeforeAsync(closedAt.AddDays(1), default));

        Assert.Null(await store.GetAsync(old.Id, default));
        Assert.Null(await store.FindByKeyAsync("old", default));
        Assert.Equal(QuestionState.Expired, (await store.GetAsync(recent.Id, default))?.State);
        Assert.Equal(recent.Id, (await store.FindByKeyAsync("recent", default))?.Id);
        Assert.Equal(QuestionState.Waiting, (await store.GetAsync(waiting.Id, default))?.State);
        Assert.Equal(0, await store.RemoveClosedBeforeAsync(closedAt.AddDays(1), default));
    }
}
