using Serverless.Relay;

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
        _env["RELAY_URL"] = "http://env:1";
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
}
