using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Functions;

namespace Serverless.Testing;

/// <summary>The function app on real Kestrel at 127.0.0.1 on a free port, in this process.</summary>
public sealed class RunningFunctionsApp : IAsyncDisposable
{
    private RunningFunctionsApp(WebApplication app, Uri baseUrl)
    {
        App = app;
        BaseUrl = baseUrl;
    }

    public WebApplication App { get; }

    public Uri BaseUrl { get; }

    public IServiceProvider Services => App.Services;

    /// <param name="logLines">Collects every log line the app writes (category, message and exception), as a console would show it.</param>
    public static async Task<RunningFunctionsApp> StartAsync(
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, IList<string>? logLines = null)
    {
        var app = LocalServer.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            // TEST_APP_LOGS=1 shows the app's own log on the console when a test needs explaining.
            if (Environment.GetEnvironmentVariable("TEST_APP_LOGS") != "1")
            {
                builder.Logging.ClearProviders();
            }

            if (logLines is not null)
            {
                builder.Logging.AddProvider(new ListLoggerProvider(logLines));
            }
        }, services);
        await app.StartAsync();
        return new RunningFunctionsApp(app, new Uri(app.Urls.First()));
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}

/// <summary>One function app on the local default shared by the tests of a class, with a client for it.</summary>
public sealed class LocalDefaultApp : Xunit.IAsyncLifetime
{
    public RunningFunctionsApp App { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public Uri BaseUrl => App.BaseUrl;

    public async Task InitializeAsync()
    {
        App = await RunningFunctionsApp.StartAsync();
        Http = App.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>A logger provider that keeps every formatted line in a list.</summary>
public sealed class ListLoggerProvider(IList<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class ListLogger(string category, IList<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
