using Serverless.Functions.Chat;

namespace Serverless.Tests.Functions.Chat;

public class MessageSplitterTests
{
    [Fact]
    public void Short_text_is_one_message()
    {
        Assert.Equal(["hello"], MessageSplitter.Split("hello"));
    }

    [Fact]
    public void Long_text_splits_on_paragraphs_and_loses_nothing_but_the_breaks()
    {
        var paragraphs = Enumerable.Range(0, 40).Select(i => $"{i}: " + new string('x', 300)).ToList();
        var text = string.Join("\n\n", paragraphs);

        var parts = MessageSplitter.Split(text);

        Assert.All(parts, p => Assert.InRange(p.Length, 1, MessageSplitter.MaxLength));
        Assert.Equal(text, string.Join("\n\n", parts));
        Assert.All(parts, p => Assert.Matches(@"^\d+: x+", p));
    }

    [Fact]
    public void Text_without_breaks_splits_on_spaces_then_hard()
    {
        var words = string.Join(' ', Enumerable.Repeat("word", 3000));
        Assert.All(MessageSplitter.Split(words), p => Assert.False(p.StartsWith(' ') || p.EndsWith(' ')));

        var solid = new string('y', 10_000);
        var parts = MessageSplitter.Split(solid);
        Assert.Equal([4096, 4096, 1808], parts.Select(p => p.Length));
    }
}
