using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Serverless.Functions.Events;
using Serverless.Functions.Questions;
using Serverless.Functions.Sources;
using Serverless.Functions.Chat;

namespace Serverless.Functions.Telegram;

/// <summary>Questions on Telegram: a message with one inline button per option, edited to the outcome when it closes.</summary>
public sealed partial class TelegramQuestionTransport(
    TelegramChatTransport transport,
    ChatTransports transports,
    TelegramBotApi bot,
    ILogger<TelegramQuestionTransport> logger) : IQuestionTransport
{
    public string Name => transport.Name;

    public bool Enabled => transport.Enabled;

    public async Task<QuestionChat> ResolveChatAsync(string channel, string? chatId, CancellationToken cancellationToken)
    {
        // The reply tool's outbound gate: chats paired for the channel, its allowed groups, its notification chat.
        var (id, error) = await ChatRelayEndpoints.ResolveChatAsync(transport, transports, chatId, channel, cancellationToken);
        return error is null
            ? new QuestionChat(id)
            : new QuestionChat(null, error.ProblemDetails.Detail, error.StatusCode == StatusCodes.Status403Forbidden);
    }

    public async Task<SentQuestion> SendAsync(QuestionRecord question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        var chat = long.Parse(question.ChatId, CultureInfo.InvariantCulture);
        JsonObject? keyboard = question.Options.Count == 0
            ? null
            : new JsonObject
            {
                ["inline_keyboard"] = new JsonArray([.. question.Options.Select((option, i) =>
                    (JsonNode)new JsonArray(new JsonObject { ["text"] = option, ["callback_data"] = QuestionButtons.Data(question.Id, i) }))]),
            };
        try
        {
            JsonNode? result;
            var formattingDropped = false;
            try
            {
                result = await bot.SendMessageAsync(chat, TelegramQuestionText.Open(question), TelegramQuestionText.ParseMode(question), null, keyboard, cancellationToken);
            }
            catch (TelegramApiException ex) when (question.Format == QuestionFormat.MarkdownV2 && ex.IsEntityParseError)
            {
                // As with reply: the question matters more than its formatting.
                result = await bot.SendMessageAsync(chat, TelegramQuestionText.Open(question with { Format = QuestionFormat.Text }), null, null, keyboard, cancellationToken);
                formattingDropped = true;
            }

            var messageId = Json.WholeNumber(result, "message_id") ?? throw new QuestionNotSentException("Telegram answered sendMessage without a message_id.");
            return new SentQuestion([new QuestionMessage(question.ChatId, messageId.ToString(CultureInfo.InvariantCulture))], formattingDropped);
        }
        catch (Exception ex) when (ex is TelegramApiException or HttpRequestException or TaskCanceledException)
        {
            throw new QuestionNotSentException(ex.Message, ex);
        }
    }

    public async Task ShowOutcomeAsync(QuestionRecord question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        foreach (var message in question.Messages)
        {
            var chat = long.Parse(message.ChatId, CultureInfo.InvariantCulture);
            var messageId = long.Parse(message.MessageId, CultureInfo.InvariantCulture);
            try
            {
                try
                {
                    await bot.EditMessageTextAsync(chat, messageId, TelegramQuestionText.Closed(question), TelegramQuestionText.ParseMode(question), cancellationToken);
                }
                catch (TelegramApiException ex) when (question.Format == QuestionFormat.MarkdownV2 && ex.IsEntityParseError)
                {
                    await bot.EditMessageTextAsync(chat, messageId, TelegramQuestionText.Closed(question with { Format = QuestionFormat.Text }), null, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is TelegramApiException or HttpRequestException or TaskCanceledException)
            {
                LogEditFailed(question.Id, ex.Message);
            }
        }
    }

    public async Task<bool> MayAnswerAsync(string userId, string channel, CancellationToken cancellationToken) =>
        ChannelSet.Allows(await transports.AccessOf(transport).ChannelsOfUserAsync(userId, cancellationToken), channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not replace the buttons of question {QuestionId}: {Reason}")]
    private partial void LogEditFailed(string questionId, string reason);
}
