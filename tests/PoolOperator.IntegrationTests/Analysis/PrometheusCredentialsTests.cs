using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;

namespace PoolOperator.IntegrationTests.Analysis;

[Collection(PrometheusCollection.Name)]
public sealed class PrometheusCredentialsTests(PrometheusFixture prometheus)
{
    private const string Token = "prom-reader-token-7c1d9a";
    private const string Query = "max(test_credentials_probe)";

    [Fact]
    public async Task Bearer_token_from_the_secret_is_sent_to_prometheus()
    {
        await using var host = new AnalysisHost();
        host.Secrets.SetSecret(AnalysisHost.Namespace, "prom-auth", ("token", Token + "\n"));
        await using var proxy = await AuthProxy.StartAsync(prometheus.Address, $"Bearer {Token}");
        await ProbeAsync(0.5);
        var check = AnalysisHost.Prometheus(proxy.Address, Query, max: 1);
        check.Prometheus!.BearerTokenSecretRef = new SecretKeyReference { Name = "prom-auth", Key = "token" };

        var measurement = await host.MeasureAsync(check);

        Assert.Equal(Verdict.Pass, measurement.Verdict);
        Assert.Equal(0.5, measurement.Value);
        Assert.All(proxy.AuthorizationHeaders, header => Assert.Equal($"Bearer {Token}", header));
        Assert.NotEmpty(host.Logs.Lines);
        AssertNotLogged(host, Token);
    }

    [Fact]
    public async Task Rejected_token_is_inconclusive_and_never_shown()
    {
        await using var host = new AnalysisHost();
        host.Secrets.SetSecret(AnalysisHost.Namespace, "prom-auth", ("token", Token));
        await using var proxy = await AuthProxy.StartAsync(prometheus.Address, "Bearer another-token");
        var check = AnalysisHost.Prometheus(proxy.Address, Query, max: 1);
        check.Prometheus!.BearerTokenSecretRef = new SecretKeyReference { Name = "prom-auth", Key = "token" };

        var measurement = await host.MeasureAsync(check);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith("Prometheus answered 401", measurement.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, measurement.Message, StringComparison.Ordinal);
        Assert.Equal($"Bearer {Token}", Assert.Single(proxy.AuthorizationHeaders));
        AssertNotLogged(host, Token);
    }

    [Fact]
    public async Task Basic_auth_from_the_secret_is_sent_to_prometheus()
    {
        await using var host = new AnalysisHost();
        host.Secrets.SetSecret(AnalysisHost.Namespace, "prom-basic", ("username", "reader"), ("password", "s3cret-pass"));
        await using var proxy = await AuthProxy.StartAsync(prometheus.Address, "Basic cmVhZGVyOnMzY3JldC1wYXNz");
        await ProbeAsync(0.25);
        var check = AnalysisHost.Prometheus(proxy.Address, Query, max: 1);
        check.Prometheus!.BasicAuthSecretRef = new LocalObjectReference { Name = "prom-basic" };

        var measurement = await host.MeasureAsync(check);

        Assert.Equal(Verdict.Pass, measurement.Verdict);
        Assert.Equal(0.25, measurement.Value);
    }

    [Fact]
    public async Task Custom_CA_is_trusted_only_by_the_check_that_names_it()
    {
        using var certificates = new TestCertificates("prometheus");
        using var stranger = new TestCertificates("stranger");
        await using var host = new AnalysisHost(new() { ["BreakerMinimumThroughput"] = "2" });
        host.Secrets.SetSecret(AnalysisHost.Namespace, "prom-ca", ("ca.crt", certificates.CaPem));
        host.Secrets.SetConfigMap(AnalysisHost.Namespace, "other-ca", ("ca.crt", stranger.CaPem));
        await using var proxy = await AuthProxy.StartAsync(prometheus.Address, "", certificates.Server);
        await ProbeAsync(0.75);

        var withCa = AnalysisHost.Prometheus(proxy.Address, Query, max: 1);
        withCa.Prometheus!.CaSecretRef = new SecretKeyReference { Name = "prom-ca", Key = "ca.crt" };
        var withoutCa = AnalysisHost.Prometheus(proxy.Address, Query, max: 1);
        var withOtherCa = AnalysisHost.Prometheus(proxy.Address, Query, max: 1);
        withOtherCa.Prometheus!.CaConfigMapRef = new ConfigMapKeyReference { Name = "other-ca", Key = "ca.crt" };

        var untrusted = await host.MeasureAsync(withoutCa);
        var wrongCa = await host.MeasureAsync(withOtherCa);
        await host.MeasureAsync(withoutCa);
        var trusted = await host.MeasureAsync(withCa);

        // The misconfigured checks must not have opened the circuit of the address the trusted check shares.
        Assert.Equal(Verdict.Pass, trusted.Verdict);
        Assert.Equal(0.75, trusted.Value);
        Assert.Equal(Verdict.Inconclusive, untrusted.Verdict);
        Assert.Contains("SSL", untrusted.Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Inconclusive, wrongCa.Verdict);
    }

    private static void AssertNotLogged(AnalysisHost host, string secret)
    {
        var leaks = host.Logs.Lines.Where(line => line.Contains(secret, StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, "secret found in logs:\n" + string.Join("\n", leaks));
    }

    private async Task ProbeAsync(double value)
    {
        prometheus.Exporter.Set("test_credentials_probe", "", value);
        await prometheus.WaitForScrapeAsync();
    }
}
