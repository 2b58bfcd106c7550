using System.Globalization;

namespace Serverless.Functions.History;

/// <summary>Reads <c>since</c>: a duration back from now (<c>90s</c>, <c>15m</c>, <c>2h</c>, <c>7d</c>) or a time (ISO 8601).</summary>
public static class HistorySince
{
    public const string Rule = "since must be a duration such as 30s, 15m, 2h or 7d, or an ISO 8601 time such as 2026-11-25T09:00:00Z";

    public static bool TryParse(string? value, DateTimeOffset now, out DateTimeOffset since)
    {
        since = default;
        if (string.IsNullOrEmpty(value) || value.Length > 40)
        {
            return false;
        }

        if (value.Length >= 2 && int.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? span = value[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' when amount <= 3650 => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (span is { } back)
            {
                since = now - back;
                return true;
            }

            return false;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out since);
    }
}
