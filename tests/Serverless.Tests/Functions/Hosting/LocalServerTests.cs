using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Serverless.Functions;

namespace Serverless.Tests.Functions.Hosting;

public class LocalServerTests
{
    [Fact]
    public async Task Settings_files_are_read_at_start_and_not_watched()
    {
        // A watcher would cover the current directory and every folder below it.
        await using var app = LocalServer.Build(["--urls", "http://127.0.0.1:0"]);

        var files = ((IConfigurationRoot)app.Configuration).Providers.OfType<JsonConfigurationProvider>().ToList();

        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, file.Source.Path));
    }

    [Fact]
    public async Task A_user_can_still_ask_for_settings_files_to_be_watched()
    {
        await using var app = LocalServer.Build(["--urls", "http://127.0.0.1:0", "--hostBuilder:reloadConfigOnChange=true"]);

        Assert.Contains(((IConfigurationRoot)app.Configuration).Providers.OfType<JsonConfigurationProvider>(), file => file.Source.ReloadOnChange);
    }
}
