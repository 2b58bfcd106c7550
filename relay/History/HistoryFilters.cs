using System.Text;

namespace Serverless.Relay.History;

/// <summary>The <c>events</c> command's filters as the history route's query string (the route checks them and says what is wrong).</summary>
public sealed record HistoryFilters(string? Status, string? Source, string? Since, int? Limit)
{
    public string ToQuery()
    {
        var query = new StringBuilder();
        Add(query, "status", Status);
        Add(query, "source", Source);
        Add(query, "since", Since);
        Add(query, "limit", Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return query.ToString();
    }

    private static void Add(StringBuilder query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }
}
