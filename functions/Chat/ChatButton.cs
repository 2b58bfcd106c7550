namespace Serverless.Functions.Chat;

/// <summary>A button under a message; pressing it comes back as a <see cref="ChatButtonPress"/> carrying <see cref="Data"/>.</summary>
/// <param name="Data">At most 64 ASCII characters (Telegram's callback_data limit), e.g. <c>perm:allow:abcde</c>.</param>
public sealed record ChatButton(string Text, string Data, ChatButtonStyle Style = ChatButtonStyle.Default);

public enum ChatButtonStyle
{
    Default,
    Primary,
    Danger,
}
