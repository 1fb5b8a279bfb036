using Xunit;

namespace PoolOperator.Client.Tests;

public sealed class CompatibilityRouterTests
{
    [Fact]
    public async Task Old_callers_get_old_shapes_from_either_pool()
    {
        await using var client = Documents.Client();
        var router = QuoteRouter(client);

        client.ApplyDocument(Documents.Rollout(0));
        Assert.Equal(new Quote(10m, "EUR", "v1"), await router.InvokeAsync("s-1", new QuoteRequest("sku-1")));

        client.ApplyDocument(Documents.Rollout(100, generation: 2));
        Assert.Equal(new Quote(10m, "EUR", "v2"), await router.InvokeAsync("s-1", new QuoteRequest("sku-1")));
    }

    [Fact]
    public async Task V2_errors_are_translated_into_the_old_ones()
    {
        await using var client = Documents.Client();
        client.ApplyDocument(Documents.Rollout(100));
        var router = QuoteRouter(client);

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(async () => await router.InvokeAsync("s-1", new QuoteRequest("unknown")));
        Assert.Contains("unknown", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_caller_is_warned_once()
    {
        var logs = new RecordingLoggerProvider();
        await using var client = Documents.Client(logs: logs);
        client.ApplyDocument(Documents.Rollout(50));
        var router = QuoteRouter(client);

        for (var i = 0; i < 3; i++)
        {
            await router.InvokeAsync($"s-{i}", new QuoteRequest("sku-1"));
            await router.InvokeAsync($"s-{i}", new QuoteRequest("sku-1"), caller: "billing");
            await router.InvokeAsync($"s-{i}", new QuoteRequest("sku-1"), caller: "checkout");
        }

        var warnings = logs.Warnings.Where(w => w.Contains("through the old API", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.Contains(warnings, w => w.StartsWith("CompatibilityRouterTests.cs:Each_caller_is_warned_once calls GetQuote", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("billing calls GetQuote through the old API: use QuoteService.PriceAsync", StringComparison.Ordinal));
        Assert.Equal(3, router.WarnedCallers.Count);
    }

    [Fact]
    public async Task Shadow_comparisons_see_V2_translated_into_the_old_shape()
    {
        await using var client = Documents.Client();
        client.ApplyDocument(Documents.Rollout(0, shadowPercent: 100, phase: "Shadowing"));
        using var metrics = new MetricRecorder(client.Meter);
        var compared = new TaskCompletionSource<ShadowComparison>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ComparisonCompleted += (_, c) => compared.TrySetResult(c);
        var router = client.Route<QuoteRequest, Quote>("GetQuote")
            .ToV1((request, _) => ValueTask.FromResult(new Quote(10m, "EUR")))
            .ToV2<PriceQuery, PriceAnswer>(
                request => new PriceQuery(request.Sku, "EUR"),
                (query, _) => ValueTask.FromResult(new PriceAnswer(1000, query.Currency)),
                answer => new Quote(answer.AmountInCents / 100m, answer.Currency))
            .Build();

        Assert.Equal(new Quote(10m, "EUR"), await router.InvokeAsync("s-1", new QuoteRequest("sku-1")));

        var comparison = await compared.Task.WaitAsync(FlagsWaiter.Patience);
        Assert.True(comparison.Result.IsMatch, string.Join("; ", comparison.Result.Differences));
        Assert.Equal("GetQuote", comparison.Operation);
        Assert.Equal(1, metrics.Sum("poolmigration.router.calls", ("operation", "GetQuote"), ("pool", "v1")));
    }

    [Fact]
    public async Task A_router_needs_both_implementations()
    {
        await using var client = Documents.Client();

        Assert.Throws<InvalidOperationException>(() => client.Route<QuoteRequest, Quote>("GetQuote")
            .ToV1((_, _) => ValueTask.FromResult(new Quote(1, "EUR"))).Build());
    }

    private static CompatibilityRouter<QuoteRequest, Quote> QuoteRouter(PoolMigrationClient client) =>
        client.Route<QuoteRequest, Quote>("GetQuote")
            .ToV1((request, _) => ValueTask.FromResult(new Quote(10m, "EUR", "v1")))
            .ToV2<PriceQuery, PriceAnswer>(
                request => new PriceQuery(request.Sku, "EUR"),
                (query, _) => query.Sku == "unknown"
                    ? ValueTask.FromException<PriceAnswer>(new PriceNotFoundException(query.Sku))
                    : ValueTask.FromResult(new PriceAnswer(1000, query.Currency)),
                answer => new Quote(answer.AmountInCents / 100m, answer.Currency, "v2"))
            .TranslateV2Errors(error => error is PriceNotFoundException notFound ? new KeyNotFoundException($"no quote for {notFound.Sku}") : error)
            .Deprecated("use QuoteService.PriceAsync")
            .Build();
}
