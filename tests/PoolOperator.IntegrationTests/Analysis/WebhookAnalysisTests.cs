using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Analysis;

public sealed class WebhookAnalysisTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Answer_200_passes_and_receives_the_migration_position()
    {
        string? body = null;
        await using var server = await LocalHttpServer.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            body = await reader.ReadToEndAsync();
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        await using var host = new AnalysisHost();

        var measurement = await host.MeasureAsync(Check(new Uri(server.Address, "/smoke")));

        Assert.Equal(Verdict.Pass, measurement.Verdict);
        using var json = JsonDocument.Parse(body!);
        Assert.Equal("session-pool", json.RootElement.GetProperty("migration").GetString());
        Assert.Equal(25, json.RootElement.GetProperty("weight").GetInt32());
    }

    [Fact]
    public async Task Answer_500_fails_with_the_status_and_the_body()
    {
        await using var server = await LocalHttpServer.StartAsync(async context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsync("checkout smoke test failed: 3 of 20 orders lost");
        });
        await using var host = new AnalysisHost();

        var measurement = await host.MeasureAsync(Check(server.Address));

        Assert.Equal(Verdict.Fail, measurement.Verdict);
        Assert.Equal("webhook answered 500 Internal Server Error: checkout smoke test failed: 3 of 20 orders lost", measurement.Message);
    }

    [Fact]
    public async Task Webhook_that_does_not_answer_in_time_is_inconclusive()
    {
        await using var server = await LocalHttpServer.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        await using var host = new AnalysisHost();
        var timer = Stopwatch.StartNew();

        var measurement = await host.MeasureAsync(Check(server.Address, timeoutSeconds: 1));

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Equal("webhook did not answer within 1s", measurement.Message);
        var elapsed = timer.Elapsed;
        output.WriteLine($"a webhook with a 1 s timeout that never answers: inconclusive after {elapsed.TotalMilliseconds:F0} ms (bound 1-10 s)");
        // Not before the timeout; and well before the runner's own budget would have cut the check off.
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Refused_connection_is_inconclusive()
    {
        await using var host = new AnalysisHost();
        var port = FreePort.Next();

        var measurement = await host.MeasureAsync(Check(new Uri($"http://127.0.0.1:{port}/smoke")));

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith($"cannot reach webhook at http://127.0.0.1:{port}", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_host_is_inconclusive()
    {
        await using var host = new AnalysisHost();

        var measurement = await host.MeasureAsync(Check(new Uri("http://smoke.invalid/run")));

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith("cannot reach webhook at http://smoke.invalid:80", measurement.Message, StringComparison.Ordinal);
    }

    private static AnalysisCheck Check(Uri url, int? timeoutSeconds = null) => new()
    {
        Name = "smoke",
        Webhook = new WebhookCheck { Url = url.ToString(), TimeoutSeconds = timeoutSeconds },
    };
}
