using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Analysis.AnalysisTestKit;

namespace PoolOperator.UnitTests.Analysis;

public sealed class WebhookProviderTests
{
    [Theory]
    [InlineData(HttpStatusCode.OK, Verdict.Pass)]
    [InlineData(HttpStatusCode.Created, Verdict.Pass)]
    [InlineData(HttpStatusCode.Accepted, Verdict.Pass)]
    [InlineData(HttpStatusCode.NoContent, Verdict.Pass)]
    [InlineData(HttpStatusCode.MovedPermanently, Verdict.Inconclusive)]
    [InlineData(HttpStatusCode.BadRequest, Verdict.Fail)]
    [InlineData(HttpStatusCode.NotFound, Verdict.Fail)]
    [InlineData(HttpStatusCode.Conflict, Verdict.Fail)]
    [InlineData(HttpStatusCode.InternalServerError, Verdict.Fail)]
    [InlineData(HttpStatusCode.ServiceUnavailable, Verdict.Fail)]
    public async Task Status_code_decides_the_verdict(HttpStatusCode status, Verdict expected)
    {
        var handler = new StubHttpMessageHandler(_ => new HttpResponseMessage(status) { Content = new StringContent("smoke output") });

        var measurement = await Webhook(handler).MeasureAsync(WebhookCheck(), Namespace, Context, CancellationToken.None);

        Assert.Equal(expected, measurement.Verdict);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), measurement.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests); // a failing smoke test is not re-run to hide the failure
    }

    [Fact]
    public async Task Failure_message_carries_the_first_200_characters_of_the_body()
    {
        var body = "test checkout failed: " + new string('x', 500);
        var handler = new StubHttpMessageHandler(_ => new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent(body) });

        var measurement = await Webhook(handler).MeasureAsync(WebhookCheck(), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Fail, measurement.Verdict);
        Assert.StartsWith("webhook answered 500 Internal Server Error: test checkout failed: xxx", measurement.Message, StringComparison.Ordinal);
        Assert.Contains(body[..200], measurement.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(body[..201], measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Posts_the_migration_position_as_json()
    {
        var handler = new StubHttpMessageHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));

        await Webhook(handler).MeasureAsync(WebhookCheck("http://smoke.test/run?suite=fast"), Namespace, Context, CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://smoke.test/run?suite=fast", request.Uri.ToString());
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("session-pool", json.RootElement.GetProperty("migration").GetString());
        Assert.Equal("shop", json.RootElement.GetProperty("namespace").GetString());
        Assert.Equal("canary-25", json.RootElement.GetProperty("stage").GetString());
        Assert.Equal(25, json.RootElement.GetProperty("weight").GetInt32());
        Assert.Equal("Progressing", json.RootElement.GetProperty("phase").GetString());
    }

    [Fact]
    public async Task Connection_refused_is_inconclusive_and_retried()
    {
        var handler = new StubHttpMessageHandler(_ => throw new HttpRequestException(
            HttpRequestError.ConnectionError, "Connection refused (smoke.test:80)", new SocketException((int)SocketError.ConnectionRefused)));

        var measurement = await Webhook(handler, FastOptions(retryCount: 2)).MeasureAsync(WebhookCheck(), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith("cannot reach webhook at http://smoke.test:80", measurement.Message, StringComparison.Ordinal);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Error_after_the_request_was_sent_is_not_retried()
    {
        var handler = new StubHttpMessageHandler(_ => throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."));

        var measurement = await Webhook(handler, FastOptions(retryCount: 2)).MeasureAsync(WebhookCheck(), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Invalid_url_is_inconclusive()
    {
        var handler = new StubHttpMessageHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));

        var measurement = await Webhook(handler).MeasureAsync(WebhookCheck("smoke.test/run"), Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Contains("not an absolute http(s) URL", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bearer_token_is_sent_and_an_echo_of_it_is_masked()
    {
        const string token = "webhook-token-9f8e7d";
        var secrets = new InMemorySecretSource();
        secrets.SetSecret(Namespace, "smoke-auth", ("token", token));
        var handler = new StubHttpMessageHandler(request => new HttpResponseMessage(HttpStatusCode.Unauthorized)
        {
            Content = new StringContent($"rejected {request.Authorization}"),
        });
        var check = WebhookCheck();
        check.Webhook!.BearerTokenSecretRef = new SecretKeyReference { Name = "smoke-auth", Key = "token" };

        var measurement = await Webhook(handler, secrets: secrets).MeasureAsync(check, Namespace, Context, CancellationToken.None);

        Assert.Equal($"Bearer {token}", Assert.Single(handler.Requests).Authorization);
        Assert.Equal(Verdict.Fail, measurement.Verdict);
        Assert.Equal("webhook answered 401 Unauthorized: rejected Bearer ***", measurement.Message);
    }
}
