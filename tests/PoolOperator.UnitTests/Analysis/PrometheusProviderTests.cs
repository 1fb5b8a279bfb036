using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;
using Xunit.Abstractions;
using static PoolOperator.UnitTests.Analysis.AnalysisTestKit;

namespace PoolOperator.UnitTests.Analysis;

public sealed class PrometheusProviderTests(ITestOutputHelper output)
{
    public static TheoryData<string, HttpStatusCode, string> Shapes => new()
    {
        {
            """{"status":"success","data":{"resultType":"vector","result":[]}}""",
            HttpStatusCode.OK, "query returned no data"
        },
        {
            """{"status":"success","data":{"resultType":"vector","result":[{"metric":{"pod":"a"},"value":[1,"1"]},{"metric":{"pod":"b"},"value":[1,"2"]},{"metric":{"pod":"c"},"value":[1,"3"]}]}}""",
            HttpStatusCode.OK, "query returned 3 series; expected 1"
        },
        {
            """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"2"]]}]}}""",
            HttpStatusCode.OK, "query returned a range vector (matrix)"
        },
        {
            """{"status":"success","data":{"resultType":"string","result":[1,"hello"]}}""",
            HttpStatusCode.OK, "query returned a string"
        },
        { Vector("NaN"), HttpStatusCode.OK, "value is NaN" },
        { Vector("+Inf"), HttpStatusCode.OK, "value is +Inf" },
        { Vector("-Inf"), HttpStatusCode.OK, "value is -Inf" },
        { Vector("twelve"), HttpStatusCode.OK, "value 'twelve' is not a number" },
        {
            """{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected end of input"}""",
            HttpStatusCode.BadRequest, "query failed (bad_data): 1:5: parse error: unexpected end of input"
        },
        {
            """{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}""",
            (HttpStatusCode)422, "query failed (execution): many-to-many matching not allowed"
        },
        { "<html>login required</html>", HttpStatusCode.Unauthorized, "Prometheus answered 401 Unauthorized: <html>login required</html>" },
        { "<html>ok</html>", HttpStatusCode.OK, "response is not Prometheus API JSON" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Unusable_answers_are_inconclusive_with_the_reason(string body, HttpStatusCode status, string expectedMessage)
    {
        var provider = Prometheus(StubHttpMessageHandler.Json(body, status));

        var measurement = await provider.MeasureAsync(PrometheusCheck(max: 1), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith(expectedMessage, measurement.Message, StringComparison.Ordinal);
        Assert.Null(measurement.Value);
    }

    [Fact]
    public async Task One_sample_vector_is_the_value()
    {
        var provider = Prometheus(StubHttpMessageHandler.Json(Vector("0.004")));

        var measurement = await provider.MeasureAsync(PrometheusCheck(max: 0.01), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Pass, measurement.Verdict);
        Assert.Equal(0.004, measurement.Value);
    }

    [Fact]
    public async Task Scalar_is_the_value()
    {
        var provider = Prometheus(StubHttpMessageHandler.Json("""{"status":"success","data":{"resultType":"scalar","result":[1700000000,"42"]}}"""));

        var measurement = await provider.MeasureAsync(PrometheusCheck(max: 10), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Fail, measurement.Verdict);
        Assert.Equal(42, measurement.Value);
    }

    [Fact]
    public async Task Both_queries_are_evaluated_at_the_same_timestamp_and_compared()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, 250, TimeSpan.Zero));
        var handler = new StubHttpMessageHandler(request => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(Vector(request.Parameter("query") == "v2_p99" ? "0.3" : "0.2")),
        });
        var provider = Prometheus(handler, time: time);

        var measurement = await provider.MeasureAsync(PrometheusCheck("v2_p99", baselineQuery: "v1_p99", maxRatio: 1.2), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Fail, measurement.Verdict);
        Assert.Equal(0.3, measurement.Value);
        Assert.Equal(0.2, measurement.Baseline);
        var times = handler.Requests.Select(r => r.Parameter("time")).ToArray();
        Assert.Equal(2, times.Length);
        Assert.All(times, t => Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0, double.Parse(t!, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Query_goes_to_the_api_of_the_check_address()
    {
        var handler = StubHttpMessageHandler.Json(Vector("1"));
        var check = PrometheusCheck("sum(up)", min: 1);
        check.Prometheus!.Address = "https://thanos.example:10902/prefix/";

        await Prometheus(handler).MeasureAsync(check, Namespace, Context, CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://thanos.example:10902/prefix/api/v1/query", request.Uri.GetLeftPart(UriPartial.Path));
        Assert.Equal("sum(up)", request.Parameter("query"));
    }

    [Fact]
    public async Task Falls_back_to_GET_when_POST_is_not_allowed()
    {
        var handler = new StubHttpMessageHandler(request => request.Method == HttpMethod.Post
            ? new HttpResponseMessage(HttpStatusCode.MethodNotAllowed)
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Vector("0.001")) });

        var measurement = await Prometheus(handler).MeasureAsync(PrometheusCheck("rate(x[1m])", max: 0.01), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Pass, measurement.Verdict);
        Assert.Equal("rate(x[1m])", handler.Requests.Last().Parameter("query"));
    }

    [Fact]
    public async Task Baseline_problem_is_reported_when_the_verdict_depends_on_it()
    {
        var handler = new StubHttpMessageHandler(request => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(request.Parameter("query") == "v2"
                ? Vector("0.3")
                : """{"status":"success","data":{"resultType":"vector","result":[]}}"""),
        });

        var measurement = await Prometheus(handler).MeasureAsync(PrometheusCheck("v2", baselineQuery: "v1", maxRatio: 1.2), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Equal("baseline query: query returned no data", measurement.Message);
        Assert.Equal(0.3, measurement.Value);
    }

    [Fact]
    public async Task Comparative_check_without_baseline_query_names_the_field()
    {
        var measurement = await Prometheus(StubHttpMessageHandler.Json(Vector("0.3"))).MeasureAsync(
            PrometheusCheck("v2", maxRatio: 1.2), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Equal("maxRatio/maxDelta need a baseline: set prometheus.baselineQuery", measurement.Message);
    }

    [Fact]
    public async Task Violated_max_fails_even_when_the_baseline_is_missing()
    {
        var handler = new StubHttpMessageHandler(request => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(request.Parameter("query") == "v2" ? Vector("5") : """{"status":"success","data":{"resultType":"vector","result":[]}}"""),
        });

        var measurement = await Prometheus(handler).MeasureAsync(PrometheusCheck("v2", max: 1, baselineQuery: "v1", maxRatio: 1.2), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Fail, measurement.Verdict);
    }

    [Fact]
    public async Task Server_errors_are_retried_and_client_errors_are_not()
    {
        var calls = 0;
        var flaky = new StubHttpMessageHandler(_ => Interlocked.Increment(ref calls) < 3
            ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Vector("0.001")) });
        var badQuery = StubHttpMessageHandler.Json("""{"status":"error","errorType":"bad_data","error":"parse error"}""", HttpStatusCode.BadRequest);

        var recovered = await Prometheus(flaky, FastOptions(retryCount: 2)).MeasureAsync(PrometheusCheck(max: 0.01), Namespace, Context, CancellationToken.None);
        var rejected = await Prometheus(badQuery, FastOptions(retryCount: 2)).MeasureAsync(PrometheusCheck(max: 0.01), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Pass, recovered.Verdict);
        Assert.Equal(3, calls);
        Assert.Equal(Verdict.Inconclusive, rejected.Verdict);
        Assert.Single(badQuery.Requests);
    }

    [Fact]
    public async Task Open_circuit_answers_inconclusive_without_calling_prometheus()
    {
        var handler = new StubHttpMessageHandler(_ => throw new HttpRequestException("Connection refused (prometheus.test:9090)", null, HttpStatusCode.ServiceUnavailable));
        var options = FastOptions() with { BreakerMinimumThroughput = 2, BreakerBreakDuration = TimeSpan.FromMinutes(5) };
        var provider = Prometheus(handler, options);

        var first = await provider.MeasureAsync(PrometheusCheck(max: 1), Namespace, Context, CancellationToken.None);
        await provider.MeasureAsync(PrometheusCheck(max: 1), Namespace, Context, CancellationToken.None);
        var callsBeforeOpen = handler.Requests.Count;
        var open = await provider.MeasureAsync(PrometheusCheck(max: 1), Namespace, Context, CancellationToken.None);

        Assert.StartsWith("cannot reach Prometheus at http://prometheus.test:9090", first.Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Inconclusive, open.Verdict);
        Assert.Equal("circuit open for http://prometheus.test:9090", open.Message);
        Assert.Equal(callsBeforeOpen, handler.Requests.Count);
    }

    [Fact]
    public async Task Circuit_of_one_address_does_not_affect_another()
    {
        var handler = new StubHttpMessageHandler(request => request.Uri.Host == "dead.test"
            ? throw new HttpRequestException("Connection refused")
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Vector("0")) });
        var provider = Prometheus(handler, FastOptions() with { BreakerMinimumThroughput = 2 });
        var dead = PrometheusCheck(max: 1);
        dead.Prometheus!.Address = "http://dead.test:9090";
        var alive = PrometheusCheck(max: 1);
        alive.Prometheus!.Address = "http://alive.test:9090";

        for (var i = 0; i < 3; i++)
        {
            await provider.MeasureAsync(dead, Namespace, Context, CancellationToken.None);
        }

        var deadResult = await provider.MeasureAsync(dead, Namespace, Context, CancellationToken.None);
        var aliveResult = await provider.MeasureAsync(alive, Namespace, Context, CancellationToken.None);

        Assert.Equal("circuit open for http://dead.test:9090", deadResult.Message);
        Assert.Equal(Verdict.Pass, aliveResult.Verdict);
    }

    [Fact]
    public async Task Slow_prometheus_is_inconclusive_within_the_check_timeout()
    {
        var handler = new HangingHandler();
        var check = PrometheusCheck(max: 1);
        check.Prometheus!.TimeoutSeconds = 1;
        var started = TimeProvider.System.GetTimestamp();

        var measurement = await Prometheus(handler, FastOptions(retryCount: 1)).MeasureAsync(check, Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Contains("did not answer in time", measurement.Message, StringComparison.Ordinal);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        output.WriteLine($"a Prometheus that never answers, with a 1 s timeout: inconclusive after {elapsed.TotalMilliseconds:F0} ms (bound 6 s)");
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task Address_falls_back_to_the_operator_default_and_without_one_is_inconclusive()
    {
        var handler = StubHttpMessageHandler.Json(Vector("0"));

        var measurement = await Prometheus(handler, FastOptions() with { DefaultPrometheusAddress = null })
            .MeasureAsync(PrometheusCheck(max: 1), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Contains("DefaultPrometheusAddress", measurement.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Bearer_token_is_sent_and_never_appears_in_the_message()
    {
        const string token = "s3cr3t-token-value-42";
        var secrets = new InMemorySecretSource();
        secrets.SetSecret(Namespace, "prom-token", ("token", token + "\n"));
        // A proxy that echoes the header it rejected, as some do.
        var handler = new StubHttpMessageHandler(request => new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent($"forbidden: {request.Authorization}"),
        });
        var check = PrometheusCheck(max: 1);
        check.Prometheus!.BearerTokenSecretRef = new SecretKeyReference { Name = "prom-token", Key = "token" };

        var measurement = await Prometheus(handler, secrets: secrets).MeasureAsync(check, Namespace, Context, CancellationToken.None);

        Assert.Equal($"Bearer {token}", Assert.Single(handler.Requests).Authorization);
        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith("Prometheus answered 403", measurement.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_auth_credentials_never_appear_in_the_message()
    {
        var secrets = new InMemorySecretSource();
        secrets.SetSecret(Namespace, "prom-basic", ("username", "reader"), ("password", "correct-horse-battery"));
        var handler = new StubHttpMessageHandler(request => throw new HttpRequestException($"proxy refused {request.Authorization} and password correct-horse-battery"));
        var check = PrometheusCheck(max: 1);
        check.Prometheus!.BasicAuthSecretRef = new LocalObjectReference { Name = "prom-basic" };

        var measurement = await Prometheus(handler, secrets: secrets).MeasureAsync(check, Namespace, Context, CancellationToken.None);

        Assert.Equal("Basic cmVhZGVyOmNvcnJlY3QtaG9yc2UtYmF0dGVyeQ==", handler.Requests.First().Authorization);
        Assert.DoesNotContain("correct-horse-battery", measurement.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("cmVhZGVyOmNvcnJlY3QtaG9yc2UtYmF0dGVyeQ==", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_secret_is_inconclusive_and_names_it()
    {
        var handler = StubHttpMessageHandler.Json(Vector("0"));
        var check = PrometheusCheck(max: 1);
        check.Prometheus!.BearerTokenSecretRef = new SecretKeyReference { Name = "prom-token", Key = "token" };

        var measurement = await Prometheus(handler).MeasureAsync(check, Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Equal("secret 'prom-token' not found in namespace 'shop'", measurement.Message);
        Assert.Empty(handler.Requests);
    }

    private sealed class HangingHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
