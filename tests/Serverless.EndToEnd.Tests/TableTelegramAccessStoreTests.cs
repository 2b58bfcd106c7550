using Microsoft.Extensions.Options;
using Serverless.Functions.Inbox;
using Serverless.Functions.Telegram;
using Serverless.Functions.Telegram.Access;

namespace Serverless.EndToEnd.Tests;

/// <summary>The Table Storage access store against Azurite: one-time codes and one-time answers hold with real ETags.</summary>
[Collection(UsesAzurite.Name)]
public sealed class TableTelegramAccessStoreTests(AzuriteFixture fixture)
{
    private TableTelegramAccessStore Store(params long[] configured)
    {
        var options = new TelegramOptions();
        foreach (var user in configured)
        {
            options.AllowedUsers.Add(user);
        }

        var table = StorageClients.CreateTable(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString }, "telegram" + Guid.NewGuid().ToString("N")[..8]);
        return new TableTelegramAccessStore(table, Options.Create(options));
    }

    [Fact]
    public async Task Configured_users_reach_every_channel_and_paired_users_only_theirs()
    {
        var store = Store(7);

        Assert.Equal(["*"], await store.ChannelsOfUserAsync(7, default));
        Assert.Empty(await store.ChannelsOfUserAsync(8, default));
        await store.AllowAsync(8, 80, "team-a", default);
        await store.AllowAsync(8, 80, "team-b", default);
        Assert.Equal(["team-a", "team-b"], (await store.ChannelsOfUserAsync(8, default)).Order());
        Assert.Equal([7L, 80L], (await store.AllowedChatsAsync("team-a", default)).Order());
        Assert.Equal([7L], await store.AllowedChatsAsync("team-c", default));
    }

    [Fact]
    public async Task Pairings_for_two_channels_at_once_both_count()
    {
        var store = Store();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => store.AllowAsync(9, 90, $"ch-{i}", default)));

        Assert.Equal(6, (await store.ChannelsOfUserAsync(9, default)).Count);
    }

    [Fact]
    public async Task A_pairing_code_can_be_taken_once()
    {
        var store = Store();
        var pending = new PendingPairing("ABC234", 9, 9, DateTimeOffset.UtcNow.AddHours(1), 1);
        await store.SavePendingAsync(pending, default);

        var found = await store.FindPendingForUserAsync(9, default);
        Assert.NotNull(found);
        // Table storage keeps times to the millisecond; the expiry must come back as it was saved.
        Assert.Equal(pending.ExpiresAt.ToUnixTimeMilliseconds(), found.ExpiresAt.ToUnixTimeMilliseconds());
        Assert.Equal((pending.Code, pending.UserId, pending.ChatId, pending.Replies), (found.Code, found.UserId, found.ChatId, found.Replies));
        Assert.Single(await store.PendingAsync(default));
        Assert.NotNull(await store.TakePendingAsync("ABC234", default));
        Assert.Null(await store.TakePendingAsync("ABC234", default));
        Assert.Empty(await store.PendingAsync(default));
    }

    [Fact]
    public async Task A_permission_request_is_resolved_once_and_chats_keep_their_channel()
    {
        var store = Store();
        await store.SavePermissionRequestAsync(new PermissionRequestRecord("abcde", "ops", "Bash", "d", "p", [new SentMessage(1, 2)], null), default);

        Assert.True(await store.TryResolvePermissionAsync("abcde", "allow", default));
        Assert.False(await store.TryResolvePermissionAsync("abcde", "deny", default));
        Assert.False(await store.TryResolvePermissionAsync("zzzzz", "deny", default));
        var stored = await store.GetPermissionRequestAsync("abcde", default);
        Assert.Equal("allow", stored!.Outcome);
        Assert.Equal(new SentMessage(1, 2), Assert.Single(stored.Messages));

        Assert.Null(await store.ChannelForChatAsync(5, default));
        await store.BindChatAsync(5, "ops", default);
        Assert.Equal("ops", await store.ChannelForChatAsync(5, default));
    }

    [Fact]
    public async Task Of_many_answers_at_once_exactly_one_wins_and_its_outcome_is_kept()
    {
        var store = Store();
        await store.SavePermissionRequestAsync(new PermissionRequestRecord("qrstu", "ops", "Bash", "d", "p", [], null), default);

        // Every answer reads the same unanswered row; the ETag lets one write and the others get 412.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.TryResolvePermissionAsync("qrstu", i % 2 == 0 ? "allow" : "deny", default)));

        Assert.Equal(1, answers.Count(a => a));
        var outcome = (await store.GetPermissionRequestAsync("qrstu", default))!.Outcome;
        Assert.Equal(Array.IndexOf(answers, true) % 2 == 0 ? "allow" : "deny", outcome);
    }

    [Fact]
    public async Task A_pairing_row_from_before_channels_counts_for_the_default_channel_only()
    {
        var tableName = "telegram" + Guid.NewGuid().ToString("N")[..8];
        var table = StorageClients.CreateTable(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString }, tableName);
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("allow", "31") { ["ChatId"] = 31L });
        var store = new TableTelegramAccessStore(table, Options.Create(new TelegramOptions()));

        Assert.Equal(["default"], await store.ChannelsOfUserAsync(31, default));
        Assert.Equal([31L], await store.AllowedChatsAsync("default", default));
        Assert.Empty(await store.AllowedChatsAsync("ops", default));
    }
}
