using Serverless.Relay;
using Serverless.Relay.CommandLine;

namespace Serverless.Tests.Relay;

public sealed class RelaySettingsResolverTests : IDisposable
{
    private readonly Dictionary<string, string?> _env = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("relay-settings").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (RelaySettings? Settings, string? Error) Resolve(string? url = null, string? channel = null, FileInfo? tokenFile = null) =>
        RelaySettingsResolver.Resolve(url, channel, tokenFile, name => _env.GetValueOrDefault(name));

    [Fact]
    public void Defaults_to_the_local_function_app_and_the_default_channel()
    {
        _env["RELAY_TOKEN"] = "t";

        var (settings, error) = Resolve();

        Assert.Null(error);
        Assert.Equal(new Uri("http://localhost:7071"), settings!.Url);
        Assert.Equal("default", settings.Channel);
        Assert.Equal("t", settings.Token);
    }

    [Fact]
    public void Options_win_over_the_environment()
    {
        _env["RELAY_TOKEN"] = "t";
        _env["RELAY_URL"] = "http://127.0.0.1:1";
        _env["RELAY_CHANNEL"] = "env";

        Assert.Equal("env", Resolve().Settings!.Channel);
        var (settings, _) = Resolve("https://opt.example", "opt");
        Assert.Equal(new Uri("https://opt.example"), settings!.Url);
        Assert.Equal("opt", settings.Channel);
    }

    [Fact]
    public void A_token_file_from_the_option_or_RELAY_TOKEN_FILE_wins_over_RELAY_TOKEN()
    {
        var fromEnvironment = Path.Combine(_dir, "env-token");
        var fromOption = Path.Combine(_dir, "option-token");
        File.WriteAllText(fromEnvironment, "env-file\n");
        File.WriteAllText(fromOption, "option-file\n");
        _env["RELAY_TOKEN"] = "plain";

        Assert.Equal("plain", Resolve().Settings!.Token);
        _env["RELAY_TOKEN_FILE"] = fromEnvironment;
        Assert.Equal("env-file", Resolve().Settings!.Token);
        Assert.Equal("option-file", Resolve(tokenFile: new FileInfo(fromOption)).Settings!.Token);
        _env["RELAY_TOKEN_FILE"] = string.Empty;
        Assert.Equal("plain", Resolve().Settings!.Token);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://host")]
    [InlineData("/relative")]
    public void A_url_that_is_not_absolute_http_is_an_error(string url)
    {
        _env["RELAY_TOKEN"] = "t";
        Assert.Contains("--url", Resolve(url).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_the_token_from_a_file()
    {
        var path = Path.Combine(_dir, "token");
        File.WriteAllText(path, "from-file\n");

        Assert.Equal("from-file", Resolve(tokenFile: new FileInfo(path)).Settings!.Token);
    }

    [Theory]
    [InlineData(null, null, "RELAY_TOKEN")]
    [InlineData("t", "Bad Channel", "channel")]
    public void Explains_what_is_missing_or_wrong(string? token, string? channel, string mentioned)
    {
        _env["RELAY_TOKEN"] = token;

        var (settings, error) = Resolve(channel: channel);

        Assert.Null(settings);
        Assert.Contains(mentioned, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_empty_token_file_is_an_error()
    {
        Assert.Contains("does not exist", Resolve(tokenFile: new FileInfo(Path.Combine(_dir, "nope"))).Error, StringComparison.Ordinal);
        var empty = Path.Combine(_dir, "empty");
        File.WriteAllText(empty, "  ");
        Assert.Contains("is empty", Resolve(tokenFile: new FileInfo(empty)).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ops\n")]
    [InlineData("ops\r\n")]
    public void A_channel_with_a_trailing_line_break_is_an_error(string channel)
    {
        _env["RELAY_TOKEN"] = "t";
        Assert.Contains("--channel", Resolve(channel: channel).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, null, "--visibility-timeout")]
    [InlineData(3601, null, "--visibility-timeout")]
    [InlineData(null, 0, "--poll-interval")]
    [InlineData(null, 3601, "--poll-interval")]
    public void Timing_options_outside_their_range_are_errors(int? visibility, int? poll, string mentioned)
    {
        _env["RELAY_TOKEN"] = "t";

        var (settings, error) = RelaySettingsResolver.Resolve(null, null, null, name => _env.GetValueOrDefault(name), null, visibility, poll);

        Assert.Null(settings);
        Assert.Contains(mentioned, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Timing_options_at_their_limits_are_taken()
    {
        _env["RELAY_TOKEN"] = "t";

        var settings = RelaySettingsResolver.Resolve(null, null, null, name => _env.GetValueOrDefault(name), null, 5, 3600).Settings!;

        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromHours(1)), (settings.VisibilityTimeout, settings.SafetyPollInterval));
    }

    [Fact]
    public void The_state_file_comes_from_the_option_then_RELAY_STATE_FILE_then_the_users_state_folder()
    {
        _env["RELAY_TOKEN"] = "t";
        _env["XDG_STATE_HOME"] = Path.Combine(_dir, "state");

        var byDefault = Resolve().Settings!.StateFile;
        Assert.StartsWith(Path.Combine(_dir, "state", "serverless-relay", "default-"), byDefault, StringComparison.Ordinal);
        Assert.EndsWith(".delivered", byDefault, StringComparison.Ordinal);
        Assert.NotEqual(byDefault, Resolve("https://other.example.invalid").Settings!.StateFile);

        _env["RELAY_STATE_FILE"] = Path.Combine(_dir, "from-env.delivered");
        Assert.Equal(Path.Combine(_dir, "from-env.delivered"), Resolve().Settings!.StateFile);
        var fromOption = RelaySettingsResolver.Resolve(null, null, null, name => _env.GetValueOrDefault(name), Path.Combine(_dir, "option.delivered")).Settings!;
        Assert.Equal(Path.Combine(_dir, "option.delivered"), fromOption.StateFile);
    }

    [Fact]
    public void Without_XDG_STATE_HOME_the_state_file_is_under_home_local_state()
    {
        _env["RELAY_TOKEN"] = "t";
        _env["HOME"] = Path.Combine(_dir, "home");

        Assert.StartsWith(Path.Combine(_dir, "home", ".local", "state", "serverless-relay"), Resolve().Settings!.StateFile, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://app.example.com", "https://app.example.com/")]
    [InlineData("http://app.example.com:8080/", "https://app.example.com:8080/")]
    [InlineData("http://192.168.1.20:7071", "https://192.168.1.20:7071/")]
    [InlineData("http://localhost.example.com", "https://localhost.example.com/")]
    public void Plain_http_to_another_machine_is_refused_with_a_message_that_says_to_use_https(string url, string secure)
    {
        _env["RELAY_TOKEN"] = "t";

        var (settings, error) = Resolve(url);

        Assert.Null(settings);
        Assert.Equal(
            $"--url '{url}' is plain http to another machine: the relay token, the events and the permission answers would cross the network unencrypted, and anyone on the way could answer for the function app. Use https ({secure}); plain http is only for localhost, 127.0.0.0/8 and ::1.",
            error);
    }

    [Fact]
    public void Plain_http_from_RELAY_URL_is_refused_naming_the_variable()
    {
        _env["RELAY_TOKEN"] = "t";
        _env["RELAY_URL"] = "http://app.example.com";

        Assert.StartsWith("RELAY_URL 'http://app.example.com' is plain http to another machine", Resolve().Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:7071")]
    [InlineData("http://LOCALHOST:7071")]
    [InlineData("http://127.0.0.1:7071")]
    [InlineData("http://127.3.4.5:7071")]
    [InlineData("http://[::1]:7071")]
    [InlineData("https://app.example.com")]
    public void Plain_http_to_this_machine_and_https_anywhere_are_taken(string url)
    {
        _env["RELAY_TOKEN"] = "t";

        var (settings, error) = Resolve(url);

        Assert.Null(error);
        Assert.Equal(new Uri(url), settings!.Url);
    }

    [Theory]
    [InlineData("http://localhost:7071/api", "http://localhost:7071/")]
    [InlineData("http://localhost:7071/api/", "http://localhost:7071/")]
    [InlineData("https://app.example.com/prefix/API", "https://app.example.com/prefix/")]
    public void A_url_ending_in_api_is_refused_with_the_url_to_use_instead(string url, string instead)
    {
        _env["RELAY_TOKEN"] = "t";

        var (settings, error) = Resolve(url);

        Assert.Null(settings);
        Assert.Equal($"--url '{url}' ends in /api, but the relay adds /api/relay/... itself: drop the /api and use {instead}", error);
    }

    [Fact]
    public void The_project_entry_fills_in_url_channel_and_token_file_and_says_so()
    {
        var tokenFile = Path.Combine(_dir, "project-token");
        File.WriteAllText(tokenFile, "from-project\n");
        var project = new ProjectRelayEntry("/p/.mcp.json", "relay", new Uri("http://localhost:7071/"), "team-a", tokenFile);

        var settings = RelaySettingsResolver.Resolve(null, null, null, name => _env.GetValueOrDefault(name), project: project).Settings!;

        Assert.Equal((new Uri("http://localhost:7071/"), "team-a", "from-project"), (settings.Url, settings.Channel, settings.Token));
        Assert.Equal("url, channel and token file from /p/.mcp.json (server 'relay')", settings.TakenFrom);
    }

    [Fact]
    public void Options_and_environment_win_over_the_project_entry_and_its_token_file_goes_only_to_its_own_url()
    {
        var tokenFile = Path.Combine(_dir, "project-token");
        File.WriteAllText(tokenFile, "from-project\n");
        var project = new ProjectRelayEntry("/p/.mcp.json", "relay", new Uri("http://localhost:7071/"), "team-a", tokenFile);
        (RelaySettings? Settings, string? Error) WithProject(string? url = null, string? channel = null) =>
            RelaySettingsResolver.Resolve(url, channel, null, name => _env.GetValueOrDefault(name), project: project);

        var other = WithProject(channel: "other").Settings!;
        Assert.Equal(("other", "from-project", "url and token file from /p/.mcp.json (server 'relay')"), (other.Channel, other.Token, other.TakenFrom));

        // Another app never gets the project's token.
        Assert.StartsWith("no relay token for http://127.0.0.1:9/: /p/.mcp.json (server 'relay') names no token file for it", WithProject("http://127.0.0.1:9").Error, StringComparison.Ordinal);

        _env["RELAY_TOKEN"] = "from-env";
        _env["RELAY_CHANNEL"] = "env-channel";
        var fromEnvironment = WithProject().Settings!;
        Assert.Equal(("env-channel", "from-env", "url from /p/.mcp.json (server 'relay')"), (fromEnvironment.Channel, fromEnvironment.Token, fromEnvironment.TakenFrom));
    }

    [Fact]
    public void Without_a_project_entry_nothing_is_taken_from_one()
    {
        _env["RELAY_TOKEN"] = "t";

        Assert.Null(Resolve().Settings!.TakenFrom);
    }
}
