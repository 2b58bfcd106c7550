using Serverless.Functions.Inbox;

namespace Serverless.Tests.Functions.Inbox;

/// <summary>A receipt names its event, so an acknowledgement reaches the history; a receipt without one still works.</summary>
public class InboxReceiptEventTests
{
    [Fact]
    public void A_receipt_names_its_event_and_still_parses_to_the_message()
    {
        var receipt = InboxReceipt.Create("0199abc", "m-1", "pop/+=");

        Assert.Equal("0199abc", InboxReceipt.EventIdOf(receipt));
        Assert.True(InboxReceipt.TryParse(receipt, out var message, out var pop));
        Assert.Equal(("m-1", "pop/+="), (message, pop));
    }

    [Theory]
    [InlineData("m-1:pop")]
    [InlineData("m-1:pop~x")]
    [InlineData("bad/id~m-1:pop")]
    [InlineData("~m-1:pop")]
    public void A_receipt_without_a_plain_event_id_names_none(string receipt)
    {
        Assert.Null(InboxReceipt.EventIdOf(receipt));
    }
}
