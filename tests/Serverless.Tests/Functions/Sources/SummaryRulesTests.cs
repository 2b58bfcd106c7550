using Microsoft.AspNetCore.Http;
using Serverless.Functions.Sources;
using Serverless.Functions.Sources.Alertmanager;
using Serverless.Functions.Sources.Generic;

using Serverless.Testing;

namespace Serverless.Tests.Functions.Sources;

/// <summary>For every provider: a short summary, and no text a third party wrote in any meta value.</summary>
public class SummaryRulesTests
{
    private static readonly IReadOnlyList<IWebhookSource> Adapters = SourceCatalog.Create();

    public static TheoryData<ProviderCase> Providers() => SourceAdapterTests.Providers();

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_summary_is_short_and_third_party_text_stays_out_of_meta(ProviderCase provider)
    {
        var adapter = Adapters.Single(a => a.Name == provider.Source);
        var request = provider.Sign(ProviderCase.SecretFor(provider.Source), provider.Body(), DateTimeOffset.UtcNow, "d-1");
        var headers = new HeaderDictionary();
        foreach (var (name, value) in request.Headers)
        {
            headers[name] = value;
        }

        var delivery = new WebhookDelivery(provider.Source, "ops", provider.Body(), "application/json", headers, new QueryCollection());

        var draft = Assert.IsType<SourceOutcome.Accepted>(adapter.Normalize(delivery)).Draft;

        Assert.InRange(draft.Summary.Length, 20, 999);
        Assert.Contains(ProviderCase.Marker, draft.Summary, StringComparison.Ordinal);
        string?[] meta = [draft.EventType, draft.Severity, draft.Repo, draft.Branch, draft.Actor, draft.Service, draft.Url, draft.Trust];
        Assert.All(meta, value => Assert.DoesNotContain(ProviderCase.Marker, value ?? string.Empty, StringComparison.Ordinal));
        Assert.Matches("^[A-Za-z0-9_.:-]+$", draft.EventType);
    }

    [Fact]
    public void A_huge_payload_still_gets_a_short_summary()
    {
        var adapter = new AlertmanagerSource();
        var alerts = string.Join(',', Enumerable.Range(0, 500).Select(i =>
            $$$"""{"status":"firing","labels":{"alertname":"A{{{i}}}","x":"{{{new string('y', 500)}}}"},"annotations":{"summary":"{{{new string('z', 2000)}}}"}}"""));
        var body = System.Text.Encoding.UTF8.GetBytes($$$"""{"version":"4","status":"firing","commonLabels":{},"alerts":[{{{alerts}}}]}""");
        var delivery = new WebhookDelivery("alertmanager", "ops", body, "application/json", new HeaderDictionary(), new QueryCollection());

        var draft = Assert.IsType<SourceOutcome.Accepted>(adapter.Normalize(delivery)).Draft;

        Assert.True(draft.Summary.Length < 1000, $"{draft.Summary.Length} characters");
        Assert.True(draft.Summary.Contains("and 495 more", StringComparison.Ordinal), draft.Summary);
    }
}
