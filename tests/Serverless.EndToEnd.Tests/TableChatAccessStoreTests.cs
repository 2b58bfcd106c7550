using Serverless.Functions.Chat.Access;
using Serverless.Functions.Chat.Permissions;
using Serverless.Functions.Inbox;

namespace Serverless.EndToEnd.Tests;

/// <summary>The Table Storage access and permission stores against Azurite: one-time codes and one-time answers hold with real ETags.</summary>
[Collection(UsesAzurite.Name)]
public sealed class TableChatAccessStoreTests(AzuriteFixture fixture)
{
    private Azure.Data.Tables.TableClient Table(string prefix) =>
        StorageClients.CreateTable(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString }, prefix + Guid.NewGuid().ToString("N")[..8]);

    private TableChatAccessStore Store(params string[] configured) => new(Table("telegram"), configured.ToDictionary(u => u, u => u), "default");

    private TablePermissionStore Permissions() => new(Table("permissions"));

    [Fact]
    public async Task Configured_users_reach_every_channel_and_paired_users_only_theirs()
    {
        var store = Store("7");

        Assert.Equal(["*"], await store.ChannelsOfUserAsync("7", default));
        Assert.Empty(await store.ChannelsOfUserAsync("8", default));
        await store.AllowAsync("8", "80", "team-a", default);
        await store.AllowAsync("8", "80", "team-b", default);
        Assert.Equal(["team-a", "team-b"], (await store.ChannelsOfUserAsync("8", default)).Order());
        Assert.Equal(["7", "80"], (await store.AllowedChatsAsync("team-a", default)).Order());
        Assert.Equal(["7"], await store.AllowedChatsAsync("team-c", default));
    }

    [Fact]
    public async Task Pairings_for_two_channels_at_once_both_count()
    {
        var store = Store();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => store.AllowAsync("9", "90", $"ch-{i}", default)));

        Assert.Equal(6, (await store.ChannelsOfUserAsync("9", default)).Count);
    }

    [Fact]
    public async Task A_pairing_code_can_be_taken_once()
    {
        var store = Store();
        var pending = new PendingPairing("ABC234", "9", "9", DateTimeOffset.UtcNow.AddHours(1), 1);
        await store.SavePendingAsync(pending, default);

        var found = await store.FindPendingForUserAsync("9", default);
        Assert.NotNull(found);
        // Table storage keeps times to the millisecond; the expiry must come back as it was saved.
        Assert.Equal(pending.ExpiresAt.ToUnixTimeMilliseconds(), found.ExpiresAt.ToUnixTimeMilliseconds());
        Assert.Equal((pending.Code, pending.UserId, pending.Chat, pending.Replies), (found.Code, found.UserId, found.Chat, found.Replies));
        Assert.Single(await store.PendingAsync(default));
        Assert.NotNull(await store.TakePendingAsync("ABC234", default));
        Assert.Null(await store.TakePendingAsync("ABC234", default));
        Assert.Empty(await store.PendingAsync(default));
    }

    [Fact]
    public async Task A_permission_request_is_resolved_once_and_chats_keep_their_channel()
    {
        var permissions = Permissions();
        await permissions.SaveAsync(new PermissionRequestRecord("abcde", "ops", "Bash", "d", "p", [new SentPermissionMessage("slack", "slack:C1:1.5", "1.6")], null), default);

        Assert.True(await permissions.TryResolveAsync("abcde", "allow", default));
        Assert.False(await permissions.TryResolveAsync("abcde", "deny", default));
        Assert.False(await permissions.TryResolveAsync("zzzzz", "deny", default));
        var stored = await permissions.GetAsync("abcde", default);
        Assert.Equal("allow", stored!.Outcome);
        Assert.Equal(new SentPermissionMessage("slack", "slack:C1:1.5", "1.6"), Assert.Single(stored.Messages));

        // A conversation key may hold characters a row key may not (a Slack thread's '/', say).
        var store = Store();
        Assert.Null(await store.ChannelForChatAsync("5", default));
        await store.BindChatAsync("5", "ops", default);
        await store.BindChatAsync("x:a/b#c", "ci", default);
        Assert.Equal("ops", await store.ChannelForChatAsync("5", default));
        Assert.Equal("ci", await store.ChannelForChatAsync("x:a/b#c", default));
    }

    [Fact]
    public async Task Of_many_answers_at_once_exactly_one_wins_and_its_outcome_is_kept()
    {
        var permissions = Permissions();
        Assert.True(await permissions.AddAsync(new PermissionRequestRecord("qrstu", "ops", "Bash", "d", "p", [], null), default));
        Assert.False(await permissions.AddAsync(new PermissionRequestRecord("qrstu", "other", "Bash", "d", "p", [], null), default));

        // Every answer reads the same unanswered row; the ETag lets one write and the others get 412.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => permissions.TryResolveAsync("qrstu", i % 2 == 0 ? "allow" : "deny", default)));

        Assert.Equal(1, answers.Count(a => a));
        var stored = (await permissions.GetAsync("qrstu", default))!;
        Assert.Equal(Array.IndexOf(answers, true) % 2 == 0 ? "allow" : "deny", stored.Outcome);
        Assert.Equal("ops", stored.Channel);
    }

    [Fact]
    public async Task Rows_written_by_the_telegram_only_version_read_the_same()
    {
        // That version wrote ids as numbers, and rows from before channels without Channels: such a pairing
        // counts for the default channel only.
        var table = Table("telegram");
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("allow", "31") { ["ChatId"] = 31L });
        await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("allow", "32") { ["ChatId"] = 32L, ["Channels"] = "ops" });
        await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("pending", "XYZ234")
        {
            ["UserId"] = 33L, ["ChatId"] = 33L, ["ExpiresAt"] = DateTimeOffset.UtcNow.AddHours(1), ["Replies"] = 1,
        });
        var store = new TableChatAccessStore(table, new Dictionary<string, string>(), "default");

        Assert.Equal(["default"], await store.ChannelsOfUserAsync("31", default));
        Assert.Equal(["31"], await store.AllowedChatsAsync("default", default));
        Assert.Equal(["32"], await store.AllowedChatsAsync("ops", default));
        var pending = await store.TakePendingAsync("XYZ234", default);
        Assert.Equal(("33", "33"), (pending!.UserId, pending.Chat));
    }
}
