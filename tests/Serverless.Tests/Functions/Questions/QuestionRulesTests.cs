using Serverless.Functions.Questions;
using Serverless.Functions.Chat.Telegram;

namespace Serverless.Tests.Functions.Questions;

/// <summary>The small rules questions rest on: what counts as the same question, how time reads, how the bot words it.</summary>
public sealed class QuestionRulesTests
{
    [Theory]
    [InlineData(1, "1 second")]
    [InlineData(2, "2 seconds")]
    [InlineData(119, "119 seconds")]
    [InlineData(120, "2 minutes")]
    [InlineData(600, "10 minutes")]
    [InlineData(7199, "120 minutes")]
    [InlineData(7200, "2 hours")]
    [InlineData(9000, "2 hours 30 minutes")]
    [InlineData(10_799, "3 hours")]
    [InlineData(86_400, "24 hours")]
    public void A_timeout_reads_in_the_unit_a_person_would_use(int seconds, string words)
    {
        Assert.Equal(words, QuestionLimits.Describe(seconds));
    }

    [Fact]
    public void The_same_question_is_the_same_key_on_its_own_channel_only()
    {
        var key = QuestionKey.Hash("ops", null, "111", "Deploy?", ["Yes", "No"]);

        Assert.Equal(key, QuestionKey.Hash("ops", null, "111", "Deploy?", ["Yes", "No"]));
        Assert.NotEqual(key, QuestionKey.Hash("dev", null, "111", "Deploy?", ["Yes", "No"]));
        Assert.NotEqual(key, QuestionKey.Hash("ops", null, "222", "Deploy?", ["Yes", "No"]));
        Assert.NotEqual(key, QuestionKey.Hash("ops", null, "111", "Deploy?", ["No", "Yes"]));
        Assert.NotEqual(key, QuestionKey.Hash("ops", null, "111", "Deploy?", ["Yes\u001fNo"]));
        Assert.Equal(QuestionKey.Hash("ops", "k1", "111", "Deploy?", []), QuestionKey.Hash("ops", "k1", "222", "Other words", ["x"]));
        Assert.NotEqual(QuestionKey.Hash("ops", "k1", "111", "Deploy?", []), QuestionKey.Hash("dev", "k1", "111", "Deploy?", []));
    }

    [Theory]
    [InlineData("0193a0b1c2d3e4f5a6b7c8d9e0f1a2b3", true)]
    [InlineData("0193A0B1C2D3E4F5A6B7C8D9E0F1A2B3", false)]
    [InlineData("0193a0b1c2d3e4f5a6b7c8d9e0f1a2b", false)]
    [InlineData("0193a0b1c2d3e4f5a6b7c8d9e0f1a2bg", false)]
    [InlineData(null, false)]
    public void A_question_id_is_32_lower_case_hex_digits(string? id, bool valid)
    {
        Assert.Equal(valid, QuestionLimits.IsQuestionId(id));
    }

    [Fact]
    public void The_bot_shows_the_question_as_sent_and_only_escapes_its_own_words_in_markdownv2()
    {
        var plain = Question(QuestionFormat.Text, "Ship v2.4 (today)?");
        var markdown = Question(QuestionFormat.MarkdownV2, "*Ship* v2\\.4?");

        Assert.Equal("❓ Claude asks (channel 'ops-1'):\n\nShip v2.4 (today)?\n\nTap an answer, or reply with your own. Closes in 10 minutes.", QuestionText.Open(plain));
        Assert.Null(QuestionText.ParseMode(plain));
        Assert.Equal("❓ Claude asks \\(channel 'ops\\-1'\\):\n\n*Ship* v2\\.4?\n\nTap an answer, or reply with your own\\. Closes in 10 minutes\\.", QuestionText.Open(markdown));
        Assert.Equal("MarkdownV2", QuestionText.ParseMode(markdown));

        var answered = markdown.Closed(new QuestionClosing(QuestionState.Answered, DateTimeOffset.UnixEpoch, "Yes_now!", 0, "@ann_b"));
        Assert.EndsWith("\n\n✅ @ann\\_b answered: Yes\\_now\\!", QuestionText.Closed(answered), StringComparison.Ordinal);
        var expired = plain.Closed(new QuestionClosing(QuestionState.Expired, DateTimeOffset.UnixEpoch));
        Assert.EndsWith("\n\n⌛ No answer within 10 minutes; Claude was told so.", QuestionText.Closed(expired), StringComparison.Ordinal);
        Assert.DoesNotContain("Tap an answer", QuestionText.Closed(expired), StringComparison.Ordinal);
        Assert.Equal("ask:0193a0b1c2d3e4f5a6b7c8d9e0f1a2b3:1", QuestionButtons.Data(plain.Id, 1));
    }

    private static QuestionRecord Question(QuestionFormat format, string text) => new()
    {
        Id = "0193a0b1c2d3e4f5a6b7c8d9e0f1a2b3",
        Channel = "ops-1",
        KeyHash = "k",
        Transport = "telegram",
        ChatId = "111",
        Text = text,
        Options = ["Yes", "No"],
        Format = format,
        TimeoutSeconds = 600,
        AskedAt = DateTimeOffset.UnixEpoch,
    };
}
