using System.Text;

namespace Serverless.Functions.Sources;

/// <summary>Builds a short summary: a headline and a few lines, each bounded, the whole under 1,000 characters.</summary>
public sealed class Summary
{
    public const int MaxLength = 900;
    private const int MaxLineLength = 240;
    private readonly StringBuilder _text = new();
    private readonly List<string> _footer = [];

    public Summary(string headline) => Line(headline);

    /// <summary>Adds a line (collapsed to one line and clipped); empty values are skipped.</summary>
    public Summary Line(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return this;
        }

        var flat = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (_text.Length > 0)
        {
            _text.Append('\n');
        }

        _text.Append(Clip(flat, MaxLineLength));
        return this;
    }

    /// <summary>A line kept at the end whatever the length of the rest (a count, the link).</summary>
    public Summary Footer(string? text)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            _footer.Add(Clip(text.ReplaceLineEndings(" "), MaxLineLength));
        }

        return this;
    }

    /// <summary>The link to the event at the provider, as a footer.</summary>
    public Summary Link(string? url) => string.IsNullOrWhiteSpace(url) ? this : Footer($"link: {url}");

    /// <summary>Adds <c>label: value</c> when there is a value.</summary>
    public Summary Field(string label, string? value) => string.IsNullOrWhiteSpace(value) ? this : Line($"{label}: {value}");

    public override string ToString()
    {
        var footer = string.Join('\n', _footer);
        var room = MaxLength - (footer.Length == 0 ? 0 : footer.Length + 1);
        var body = Clip(_text.ToString(), Math.Max(room, 80));
        return footer.Length == 0 ? body : $"{body}\n{footer}";
    }

    public static string Clip(string value, int max)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length <= max ? value : string.Concat(value.AsSpan(0, max - 1), "…");
    }
}
