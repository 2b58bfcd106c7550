using Serverless.Functions.Hosting;
using Serverless.Functions.Inbox;

namespace Serverless.Functions.Questions;

public static class QuestionServices
{
    /// <summary>Questions for <c>ask_user</c>: kept in a table (in memory on the local default), asked through the chat transport.</summary>
    public static IServiceCollection AddQuestions(this IServiceCollection services, DeploymentMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        services.AddTransient<QuestionDesk>();
        services.AddHostedService<QuestionSweeper>();
        if (mode.EmbeddedInbox)
        {
            services.AddSingleton<IQuestionStore, EmbeddedQuestionStore>();
            return services;
        }

        services.AddSingleton<IQuestionStore>(sp => new TableQuestionStore(
            sp.GetRequiredService<StorageServiceClients>().Tables.GetTableClient("questions")));
        return services;
    }
}
