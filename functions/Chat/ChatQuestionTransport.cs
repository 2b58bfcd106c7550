using Serverless.Functions.Events;
using Serverless.Functions.Questions;

namespace Serverless.Functions.Chat;

/// <summary>
/// Questions on any chat transport: the question with one button per option, edited to the outcome when it
/// closes. Markdown questions go as the service's own markdown, and as plain text when it refuses them.
/// </summary>
/// <param name="escapesOwnWords">
/// The service reads markdown as Telegram's MarkdownV2, where the bot's own words (the header, the hint)
/// must be escaped to show as written.
/// </param>
public sealed partial class ChatQuestionTransport(IChatTransport transport, ChatTransports transports, ILogger<ChatQuestionTransport> logger, bool escapesOwnWords = false) : IQuestionTransport
{
    public string Name => transport.Name;

    public bool Enabled => transport.Enabled;

    public async Task<QuestionChat> ResolveChatAsync(string channel, string? chatId, CancellationToken cancellationToken)
    {
        // The reply tool's outbound gate: chats paired for the channel, its allowed groups, its notification chat.
        var (reference, error) = await ChatRelayEndpoints.ResolveChatAsync(transport, transports, chatId, channel, cancellationToken);
        return error is null
            ? new QuestionChat(reference)
            : new QuestionChat(null, error.ProblemDetails.Detail, error.StatusCode == StatusCodes.Status403Forbidden);
    }

    public async Task<SentQuestion> SendAsync(QuestionRecord question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        var message = new ChatOutgoingMessage(question.ChatId, QuestionText.Open(AsWritten(question)))
        {
            Format = Format(question),
            Buttons = [.. question.Options.Select((option, i) => (IReadOnlyList<ChatButton>)[new ChatButton(option, QuestionButtons.Data(question.Id, i))])],
        };
        try
        {
            var formattingDropped = false;
            ChatMessageRef sent;
            try
            {
                sent = await transport.SendAsync(message, cancellationToken);
            }
            catch (ChatApiException ex) when (ex.IsFormatError && message.Format != ChatTextFormat.Plain)
            {
                // As with reply: the question matters more than its formatting.
                sent = await transport.SendAsync(message with { Text = QuestionText.Open(Plain(question)), Format = ChatTextFormat.Plain }, cancellationToken);
                formattingDropped = true;
            }

            return new SentQuestion([new QuestionMessage(sent.ChatReference, sent.MessageId)], formattingDropped);
        }
        catch (Exception ex) when (ex is ChatApiException or HttpRequestException or TaskCanceledException)
        {
            throw new QuestionNotSentException(ex.Message, ex);
        }
    }

    public async Task ShowOutcomeAsync(QuestionRecord question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        foreach (var message in question.Messages)
        {
            try
            {
                try
                {
                    await transport.EditAsync(message.ChatId, message.MessageId, QuestionText.Closed(AsWritten(question)), Format(question), cancellationToken);
                }
                catch (ChatApiException ex) when (ex.IsFormatError && question.Format != QuestionFormat.Text)
                {
                    await transport.EditAsync(message.ChatId, message.MessageId, QuestionText.Closed(Plain(question)), ChatTextFormat.Plain, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is ChatApiException or HttpRequestException or TaskCanceledException)
            {
                LogEditFailed(question.Id, transport.DisplayName, ex.Message);
            }
        }
    }

    public async Task<bool> MayAnswerAsync(string userId, string channel, CancellationToken cancellationToken) =>
        ChannelSet.Allows(await transports.AccessOf(transport).ChannelsOfUserAsync(userId, cancellationToken), channel);

    private QuestionRecord AsWritten(QuestionRecord question) => escapesOwnWords ? question : Plain(question);

    private static QuestionRecord Plain(QuestionRecord question) => question with { Format = QuestionFormat.Text };

    private static ChatTextFormat Format(QuestionRecord question) =>
        question.Format == QuestionFormat.MarkdownV2 ? ChatTextFormat.Markdown : ChatTextFormat.Plain;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not replace the buttons of question {QuestionId} on {Transport}: {Reason}")]
    private partial void LogEditFailed(string questionId, string transport, string reason);
}
