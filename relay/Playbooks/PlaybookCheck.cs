using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Contracts;
using Serverless.Relay.Channel;

namespace Serverless.Relay.Playbooks;

/// <summary>
/// <c>relay playbook check</c>: which rule each of the channel's recent events would match, read from the
/// history's meta with the same matcher the relay uses when it shows an event (the values cleaned as the
/// session sees them), so the owner can try a playbook on real events before one arrives unwatched; and, for
/// each rule, who can make it fire.
/// </summary>
public static class PlaybookCheck
{
    private const string NoRule = "(none)";

    public sealed record Row(EventHistoryRecord Event, IReadOnlyDictionary<string, string> Meta, PlaybookRule? Rule);

    public static IReadOnlyList<Row> Rows(Playbook playbook, EventHistoryResponse history)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        ArgumentNullException.ThrowIfNull(history);
        return [.. history.Events.Select(e =>
        {
            IReadOnlyDictionary<string, string> meta = (e.Meta ?? new Dictionary<string, string>())
                .ToDictionary(m => m.Key, m => ChannelMeta.SanitizeValue(m.Value), StringComparer.Ordinal);
            return new Row(e, meta, playbook.Match(meta));
        })];
    }

    public static string Table(Playbook playbook, IReadOnlyList<Row> rows)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Playbook {playbook.Path}: {playbook.Rules.Count} rules").AppendLine();
        foreach (var rule in playbook.Rules)
        {
            text.Append(CultureInfo.InvariantCulture, $"Rule {rule.Name} fires for:").AppendLine();
            foreach (var who in rule.FiredBy)
            {
                text.Append("  - ").AppendLine(who);
            }
        }

        text.AppendLine();
        if (rows.Count == 0)
        {
            return text.AppendLine("No recent events on this channel to check.").ToString();
        }

        var idWidth = rows.Max(r => r.Event.Id.Length);
        var ruleWidth = Math.Max(4, rows.Max(r => (r.Rule?.Name ?? NoRule).Length));
        text.Append(CultureInfo.InvariantCulture, $"{"ID".PadRight(idWidth)}  {"RULE".PadRight(ruleWidth)}  ATTRIBUTES").AppendLine();
        foreach (var row in rows)
        {
            var attributes = string.Join(' ', row.Meta.Where(m => m.Key != "channel").OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}"));
            text.Append(CultureInfo.InvariantCulture, $"{row.Event.Id.PadRight(idWidth)}  {(row.Rule?.Name ?? NoRule).PadRight(ruleWidth)}  {attributes}").AppendLine();
        }

        return text.ToString();
    }

    public static string Json(Playbook playbook, IReadOnlyList<Row> rows)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        ArgumentNullException.ThrowIfNull(rows);
        var events = new JsonArray();
        foreach (var row in rows)
        {
            var meta = new JsonObject();
            foreach (var (key, value) in row.Meta)
            {
                meta[key] = value;
            }

            events.Add((JsonNode)new JsonObject { ["id"] = row.Event.Id, ["rule"] = row.Rule?.Name, ["meta"] = meta });
        }

        var rules = new JsonArray();
        foreach (var rule in playbook.Rules)
        {
            rules.Add((JsonNode)new JsonObject { ["name"] = rule.Name, ["when"] = rule.When, ["fired_by"] = new JsonArray([.. rule.FiredBy.Select(w => (JsonNode)JsonValue.Create(w))]) });
        }

        return new JsonObject { ["playbook"] = playbook.Path, ["rules"] = rules, ["events"] = events }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }
}
