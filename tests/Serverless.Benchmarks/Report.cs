using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Serverless.Benchmarks;

/// <summary>
/// One table: figure, this project, reference, ratio (this project / reference), printed as the run goes
/// and written as markdown to report.md.
/// </summary>
internal sealed class Report
{
    private readonly List<Row> _rows = [];
    private readonly List<string> _notes = [];
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly string _loadAtStart = LoadAverage();

    /// <param name="Better">Which way is better, so the ratio can be read: "higher" or "lower"; null when it means nothing.</param>
    public sealed record Row(string Section, string Figure, string Project, string Reference, double? Ratio, string? Better);

    public static CultureInfo Invariant => CultureInfo.InvariantCulture;

    public void Add(string section, string figure, string project, string reference, double? ratio = null, string? better = null)
    {
        var row = new Row(section, figure, project, reference, ratio is { } r && double.IsFinite(r) ? r : null, better);
        _rows.Add(row);
        Console.WriteLine($"  = {figure}: {project} | reference {reference}{(row.Ratio is { } q ? $" | ratio {Ratio(q)}" : string.Empty)}");
    }

    /// <summary>A figure with numbers on both sides, ratio = project / reference.</summary>
    public void Add(string section, string figure, double project, double reference, string unit, string better, int decimals = 1) =>
        Add(section, figure, Format(project, unit, decimals), Format(reference, unit, decimals), project / reference, better);

    public void Note(string note)
    {
        _notes.Add(note);
        Console.WriteLine($"  note: {note}");
    }

    public static string Format(double value, string unit, int decimals = 1) =>
        double.IsNaN(value) ? "n/a" : $"{value.ToString("N" + decimals.ToString(Invariant), Invariant)} {unit}".TrimEnd();

    private static string Ratio(double ratio) => ratio.ToString(ratio >= 100 ? "N0" : ratio >= 10 ? "N1" : "N2", Invariant);

    public string Table()
    {
        var header = new[] { "Figure", "This project", "Reference", "Ratio" };
        var cells = _rows.Select(r => new[] { $"{r.Section}: {r.Figure}", r.Project, r.Reference, RatioCell(r) }).ToList();
        var widths = Enumerable.Range(0, 4).Select(i => cells.Select(c => c[i].Length).Append(header[i].Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(string[] c) => text.AppendLine(string.Join("  ", c.Select((v, i) => i == 0 ? v.PadRight(widths[i]) : v.PadLeft(widths[i]))));
        Line(header);
        text.AppendLine(new string('-', widths.Sum() + 6));
        cells.ForEach(Line);
        return text.ToString();
    }

    private static string RatioCell(Row row) => row.Ratio is { } r
        ? $"{Ratio(r)}{(row.Better is null ? string.Empty : $" ({row.Better} is better)")}"
        : "—";

    public string Markdown(BenchOptions options, string commandLine)
    {
        var text = new StringBuilder();
        text.AppendLine("# Serverless benchmarks").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{commandLine}`");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, took {_elapsed.Elapsed.TotalMinutes:0.0} min");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Commit: {Commit()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, build configuration {Paths.Configuration}; load average when the run started: {_loadAtStart} (anything else running skews the figures)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Load runs of {options.DurationSeconds:0.#} s, knee steps of {options.KneeStep.TotalSeconds:0.#} s, {options.StartupRuns} cold starts per start-up figure (median)");
        text.AppendLine("- Ratio = this project / reference. Higher is better for rates; lower is better for times, memory, CPU and bytes.").AppendLine();
        text.AppendLine("| Figure | This project | Reference | Ratio |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var row in _rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Section}: {row.Figure} | {row.Project} | {row.Reference} | {RatioCell(row)} |");
        }

        if (_notes.Count > 0)
        {
            text.AppendLine().AppendLine("Notes:").AppendLine();
            foreach (var note in _notes)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
        }

        return text.ToString();
    }

    public TimeSpan Elapsed => _elapsed.Elapsed;

    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>The commit measured, and whether functions/ or relay/ had uncommitted changes.</summary>
    private static string Commit()
    {
        try
        {
            var head = Git("rev-parse --short HEAD").Trim();
            var dirty = Git("status --porcelain -- functions relay").Trim();
            return dirty.Length == 0 ? head : $"{head} with uncommitted changes in functions/ or relay/";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (no git)";
        }
    }

    private static string Git(string arguments)
    {
        var start = new ProcessStartInfo("git", $"-C \"{Paths.RepositoryRoot}\" {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
