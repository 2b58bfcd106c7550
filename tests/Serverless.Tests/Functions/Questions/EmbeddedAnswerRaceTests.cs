using Serverless.Contracts;
using Serverless.Functions.Chat.Permissions;
using Serverless.Functions.Questions;

namespace Serverless.Tests.Functions.Questions;

/// <summary>
/// The local default's in-memory stores under a real race: many answers to the same permission request or the same
/// ask_user question at the same moment (threads released together from one flag, round after round), and in every
/// round exactly one wins and the stored outcome is the winner's. The Table stores have the same test against Azurite.
/// </summary>
public class EmbeddedAnswerRaceTests
{
    private const int Rounds = 2000;

    // One answerer per core, so they truly run at once; at least two, so there is a race.
    private static readonly int Answerers = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Runs <paramref name="answer"/> on <see cref="Answerers"/> threads released at the same instant: each spins on one
    /// flag once it is ready (a barrier that blocks would wake them one after another), so the store sees the calls
    /// overlap. Returns what each got.
    /// </summary>
    private static T[] AtTheSameMoment<T>(Func<int, T> answer)
    {
        var results = new T[Answerers];
        var ready = 0;
        var go = 0;
        var threads = Enumerable.Range(0, Answerers).Select(i => new Thread(() =>
        {
            Interlocked.Increment(ref ready);
            while (Volatile.Read(ref go) == 0)
            {
                Thread.SpinWait(1);
            }

            results[i] = answer(i);
        })).ToList();
        threads.ForEach(t => t.Start());
        while (Volatile.Read(ref ready) < Answerers)
        {
            Thread.SpinWait(1);
        }

        Volatile.Write(ref go, 1);
        threads.ForEach(t => t.Join());
        return results;
    }

    [Fact]
    public async Task Of_many_permission_answers_at_the_same_moment_exactly_one_wins()
    {
        var store = new EmbeddedPermissionStore();
        for (var round = 0; round < Rounds; round++)
        {
            var requestId = $"r{round}";
            await store.AddAsync(new PermissionRequestRecord(requestId, "ops", "Bash", "run", "ls", [], null), default);

            var won = AtTheSameMoment(i => store.TryResolveAsync(requestId, i % 2 == 0 ? $"allow-{i}" : $"deny-{i}", default).GetAwaiter().GetResult());

            var winner = Assert.Single(Enumerable.Range(0, Answerers), i => won[i]);
            Assert.Equal(winner % 2 == 0 ? $"allow-{winner}" : $"deny-{winner}", (await store.GetAsync(requestId, default))!.Outcome);
        }
    }

    [Fact]
    public async Task Of_many_ask_user_answers_at_the_same_moment_exactly_one_wins_and_frees_the_chat()
    {
        var store = new EmbeddedQuestionStore();
        for (var round = 0; round < Rounds; round++)
        {
            var question = new QuestionRecord
            {
                Id = Guid.NewGuid().ToString("N"),
                Channel = "ops",
                KeyHash = $"key-{round}",
                Transport = "telegram",
                ChatId = "111",
                Text = "Deploy?",
                Options = ["Deploy", "Wait"],
                TimeoutSeconds = 600,
                AskedAt = DateTimeOffset.UnixEpoch,
            };
            Assert.Equal(QuestionAdd.Added, await store.TryAddAsync(question, null, default));

            var closed = AtTheSameMoment(i => store.TryCloseAsync(
                question.Id, new QuestionClosing(QuestionState.Answered, DateTimeOffset.UnixEpoch, $"answer {i}", i % 2, $"@user{i}"), default).GetAwaiter().GetResult());

            var winner = Assert.Single(closed, c => c is not null)!;
            var stored = await store.GetAsync(question.Id, default);
            Assert.Equal((winner.Answer, winner.AnsweredBy), (stored!.Answer, stored.AnsweredBy));
            Assert.Null(await store.WaitingInChatAsync("telegram", "111", default));
        }
    }
}
