using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>
/// Metric providers that misbehave, served by real HTTP servers on 127.0.0.1: every fault is the provider's, so the
/// measurement is inconclusive (never a pass, never V2's failure), its message names the fault, it ends within the
/// check's timeout, and a huge or endless body is not buffered.
/// </summary>
[Collection(HostileProviderCollection.Name)]
public sealed class HostileProviderTests(ITestOutputHelper output)
{
    private const string Query = "sum(rate(errors_total[1m]))";
    private const int TimeoutSeconds = 2;

    // The check's budget, the runner's margin (2s), and room for a loaded machine; far below a hang.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(TimeoutSeconds + 2 + 6);

    public static TheoryData<string, string> Answers => new()
    {
        { "junk-json", "response is not Prometheus API JSON (content type application/json): {\"status\": \"success\", \"data\": [1, 2" },
        { "wrong-content-type", "response is not Prometheus API JSON (content type text/html): <html><body>Sign in to continue</body></html>" },
        { "nan", "value is NaN" },
        { "plus-inf", "value is +Inf" },
        { "minus-inf", "value is -Inf" },
        { "matrix", "query returned a range vector (matrix); expected a scalar or an instant vector" },
        { "empty-result", "query returned no data" },
        { "string-result", "query returned a string; expected a number" },
        { "no-data-object", "response is not Prometheus API JSON" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task A_prometheus_answer_that_is_no_number_is_inconclusive_and_says_why(string answer, string message)
    {
        await using var server = await LocalHttpServer.StartAsync(context => AnswerAsync(context, answer));
        await using var host = new AnalysisHost();

        var (measurement, _) = await MeasureAsync(host, Check(server.Address));

        Assert.Equal((Verdict.Inconclusive, message), (measurement.Verdict, measurement.Message));
        Assert.Null(measurement.Value);
    }

    [Fact]
    public async Task A_50_MB_answer_is_cut_at_the_cap_without_buffering_it()
    {
        const long size = 50L * 1024 * 1024;
        long sent = 0;
        await using var server = await LocalHttpServer.StartAsync(context => WriteBodyAsync(context, size, bytes => Interlocked.Add(ref sent, bytes)));
        await using var host = new AnalysisHost();
        await MeasureAsync(host, Check(server.Address));  // warm-up: JIT and connection pool are not the body's cost

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var (measurement, elapsed) = await MeasureAsync(host, Check(server.Address));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        output.WriteLine($"50 MB body: {allocated / 1024.0 / 1024.0:F1} MB allocated by the whole process during the measurement, {elapsed.TotalSeconds:F2} s");
        Assert.Equal((Verdict.Inconclusive, "response is too large; the query must return a single series"), (measurement.Verdict, measurement.Message));
        // Reading it whole would allocate at least the 50 MB (and twice that as a string); the cap is 1 MB.
        Assert.True(allocated < 16L * 1024 * 1024, $"{allocated} bytes allocated while facing a 50 MB body");
        Assert.True(elapsed < Bound, $"took {elapsed}");
    }

    [Fact]
    public async Task A_body_that_never_ends_is_cut_at_the_cap()
    {
        await using var server = await LocalHttpServer.StartAsync(context => WriteBodyAsync(context, long.MaxValue, _ => { }));
        await using var host = new AnalysisHost();

        var (measurement, elapsed) = await MeasureAsync(host, Check(server.Address));

        Assert.Equal((Verdict.Inconclusive, "response is too large; the query must return a single series"), (measurement.Verdict, measurement.Message));
        Assert.True(elapsed < Bound, $"took {elapsed}");
    }

    [Fact]
    public async Task A_body_that_trickles_forever_ends_at_the_timeout()
    {
        await using var server = await LocalHttpServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"status\":\"success\",", context.RequestAborted);
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.WriteAsync(" ", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(100, context.RequestAborted);
            }
        });
        await using var host = new AnalysisHost(new() { ["RetryCount"] = "0" });

        var (measurement, elapsed) = await MeasureAsync(host, Check(server.Address));

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith($"Prometheus at {server.Address.ToString().TrimEnd('/')} did not answer in time (timeout {TimeoutSeconds}s)", measurement.Message, StringComparison.Ordinal);
        Assert.True(elapsed < Bound, $"took {elapsed}");
    }

    [Fact]
    public async Task A_prometheus_that_hangs_past_the_timeout_is_inconclusive_within_it()
    {
        await using var server = await LocalHttpServer.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        await using var host = new AnalysisHost();

        var (measurement, elapsed) = await MeasureAsync(host, Check(server.Address));

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith("Prometheus at http://127.0.0.1:", measurement.Message, StringComparison.Ordinal);
        Assert.EndsWith($"did not answer in time (timeout {TimeoutSeconds}s)", measurement.Message, StringComparison.Ordinal);
        Assert.True(elapsed < Bound, $"took {elapsed}");
    }

    [Fact]
    public async Task A_redirect_to_another_host_is_not_followed_and_the_credentials_stay_home()
    {
        var elsewhereCalls = 0;
        await using var elsewhere = await LocalHttpServer.StartAsync(context =>
        {
            Interlocked.Increment(ref elsewhereCalls);
            return AnswerAsync(context, "number");
        });
        var target = new UriBuilder(elsewhere.Address) { Host = "localhost", Path = "/api/v1/query", Query = "stolen=yes" }.Uri;
        await using var server = await LocalHttpServer.StartAsync(context =>
        {
            context.Response.Redirect(target.ToString());
            return Task.CompletedTask;
        });
        await using var host = new AnalysisHost();
        host.Secrets.SetSecret(AnalysisHost.Namespace, "prom-reader", ("token", "reader-secret"));
        var check = Check(server.Address);
        check.Prometheus!.BearerTokenSecretRef = new SecretKeyReference { Name = "prom-reader", Key = "token" };

        var (measurement, _) = await MeasureAsync(host, check);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Equal($"Prometheus answered 302 Found, a redirect to http://localhost:{target.Port}/api/v1/query; redirects are not followed: set the address the redirect points to",
            measurement.Message);
        Assert.Equal(0, elsewhereCalls);
    }

    [Fact]
    public async Task A_webhook_redirect_is_inconclusive_not_a_failure_of_V2()
    {
        var elsewhereCalls = 0;
        await using var elsewhere = await LocalHttpServer.StartAsync(context =>
        {
            Interlocked.Increment(ref elsewhereCalls);
            return Task.CompletedTask;
        });
        await using var server = await LocalHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = new UriBuilder(elsewhere.Address) { Host = "localhost", Path = "/run" }.Uri.ToString();
            return Task.CompletedTask;
        });
        await using var host = new AnalysisHost();

        var (measurement, _) = await MeasureAsync(host, new AnalysisCheck
        {
            Name = "smoke",
            Webhook = new WebhookCheck { Url = new Uri(server.Address, "/run").ToString(), TimeoutSeconds = TimeoutSeconds },
        });

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith("webhook answered 307 Temporary Redirect, a redirect to http://localhost:", measurement.Message, StringComparison.Ordinal);
        Assert.Equal(0, elsewhereCalls);
    }

    [Fact]
    public async Task A_self_signed_certificate_is_inconclusive_and_named()
    {
        using var certificates = new TestCertificates("untrusted");
        await using var server = await LocalHttpServer.StartAsync(context => AnswerAsync(context, "number"), certificates.Server);
        await using var host = new AnalysisHost();

        var (measurement, elapsed) = await MeasureAsync(host, Check(server.Address));

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith($"cannot reach Prometheus at https://127.0.0.1:{server.Address.Port}: The SSL connection could not be established", measurement.Message, StringComparison.Ordinal);
        Assert.True(elapsed < Bound, $"took {elapsed}");
    }

    [Fact]
    public async Task A_certificate_for_another_host_is_inconclusive_even_with_the_right_CA()
    {
        using var certificates = new TestCertificates("wrong-host");
        await using var server = await LocalHttpServer.StartAsync(context => AnswerAsync(context, "number"), certificates.Server);
        await using var host = new AnalysisHost();
        host.Secrets.SetSecret(AnalysisHost.Namespace, "prom-ca", ("ca.crt", certificates.CaPem));
        // The certificate names 127.0.0.1; the check calls it localhost.
        var check = Check(new UriBuilder(server.Address) { Host = "localhost" }.Uri);
        check.Prometheus!.CaSecretRef = new SecretKeyReference { Name = "prom-ca", Key = "ca.crt" };

        var (measurement, _) = await MeasureAsync(host, check);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith($"cannot reach Prometheus at https://localhost:{server.Address.Port}: The SSL connection could not be established", measurement.Message, StringComparison.Ordinal);
    }

    private static AnalysisCheck Check(Uri address) => new()
    {
        Name = "errors",
        Prometheus = new PrometheusCheck { Address = address.ToString(), Query = Query, TimeoutSeconds = TimeoutSeconds },
        Max = 0.01,
    };

    private async Task<(Measurement Measurement, TimeSpan Elapsed)> MeasureAsync(AnalysisHost host, AnalysisCheck check)
    {
        var timer = Stopwatch.StartNew();
        var measurement = await host.MeasureAsync(check);
        var elapsed = timer.Elapsed;
        output.WriteLine($"measured in {elapsed.TotalMilliseconds:F0} ms (bound {Bound.TotalSeconds:F0} s): {measurement.Verdict} {measurement.Message}");
        return (measurement, elapsed);
    }

    private static Task AnswerAsync(HttpContext context, string answer)
    {
        const string Time = "1764540000.000";
        (string ContentType, string Body) response = answer switch
        {
            "number" => ("application/json", $$$"""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[{{{Time}}},"0.001"]}]}}"""),
            "junk-json" => ("application/json", """{"status": "success", "data": [1, 2"""),
            "wrong-content-type" => ("text/html", "<html><body>Sign in to continue</body></html>"),
            "nan" => ("application/json", $$$"""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[{{{Time}}},"NaN"]}]}}"""),
            "plus-inf" => ("application/json", $$$"""{"status":"success","data":{"resultType":"scalar","result":[{{{Time}}},"+Inf"]}}"""),
            "minus-inf" => ("application/json", $$$"""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[{{{Time}}},"-Inf"]}]}}"""),
            "matrix" => ("application/json", $$$"""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[{{{Time}}},"0.001"],[{{{Time}}},"0.002"]]}]}}"""),
            "empty-result" => ("application/json", """{"status":"success","data":{"resultType":"vector","result":[]}}"""),
            "string-result" => ("application/json", $$$"""{"status":"success","data":{"resultType":"string","result":[{{{Time}}},"zero"]}}"""),
            "no-data-object" => ("application/json", """{"status":"success"}"""),
            _ => throw new ArgumentOutOfRangeException(nameof(answer), answer, "unknown answer"),
        };
        context.Response.ContentType = response.ContentType;
        return context.Response.WriteAsync(response.Body, context.RequestAborted);
    }

    /// <summary>A valid start of a Prometheus answer, then <paramref name="size"/> bytes of padding from one reused buffer.</summary>
    private static async Task WriteBodyAsync(HttpContext context, long size, Action<int> sent)
    {
        context.Response.ContentType = "application/json";
        var chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
        await context.Response.WriteAsync("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[", context.RequestAborted);
        try
        {
            for (long written = 0; written < size; written += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                sent(chunk.Length);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client stopped reading at its cap and closed the connection: that is the point.
        }
    }
}
