namespace Serverless.Functions.Questions;

/// <summary>What <see cref="IQuestionStore.TryAddAsync"/> did.</summary>
public enum QuestionAdd
{
    Added,

    /// <summary>Another ask of the same key was recorded first.</summary>
    KeyTaken,

    /// <summary>The chat already has a waiting question.</summary>
    ChatBusy,
}
