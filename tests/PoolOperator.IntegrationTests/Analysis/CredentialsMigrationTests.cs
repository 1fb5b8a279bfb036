using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.IntegrationTests.Operator;
using Xunit;
using Xunit.Abstractions;
using static PoolOperator.IntegrationTests.Analysis.AnalysisMigrations;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>A check's bearer token read from a real Secret through the apiserver, and kept out of everything the operator writes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CredentialsMigrationTests(ClusterFixture cluster, PrometheusFixture prometheus, ITestOutputHelper output) : IClassFixture<PrometheusFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Bearer_token_from_a_Secret_reaches_Prometheus_and_never_appears_in_status_events_or_logs()
    {
        var token = "prom-reader-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var revoked = "revoked-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var ns = await cluster.CreateNamespaceAsync("analysis-credentials");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        SetErrorRatio(prometheus.Exporter, ns, "pool", 0.004);
        await prometheus.WaitForScrapeAsync();

        // The Secret first holds a token the proxy refuses; the proxy echoes it back in its 401 body, as careless proxies do.
        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(Secret(revoked + "\n"), ns);
        await using var proxy = await AuthProxy.StartAsync(prometheus.Address, $"Bearer {token}");
        var logs = new CapturingLoggerProvider();
        await using var instance = await OperatorInstance.StartCapturingLogsAsync(cluster.ClientConfig, logs,
            OperatorSettings(ns, "Analysis:CredentialCacheDuration=00:00:01"));
        var check = ErrorRateCheck(proxy.Address, ns, "pool");
        check.Prometheus!.BearerTokenSecretRef = new SecretKeyReference { Name = "prom-reader", Key = "token" };
        await kit.CreateAsync(Migration("pool", [check], failureLimit: 3, inconclusiveLimit: 2));

        var paused = await kit.WaitForAsync("pool", m => m.Status?.Phase == Phases.Paused, Generous, "paused on the refused token");
        output.WriteLine($"refused token: {paused.Status!.Pause!.Message}");
        Assert.Equal(PauseReasons.Inconclusive, paused.Status.Pause.Reason);
        Assert.Contains("Prometheus answered 401 Unauthorized: unauthorized: got 'Bearer ***'", paused.Status.Pause.Message, StringComparison.Ordinal);

        var secret = await cluster.Client.CoreV1.ReadNamespacedSecretAsync("prom-reader", ns);
        secret.Data = Secret(token).Data;
        await cluster.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "prom-reader", ns);
        var done = await kit.WaitForPhaseAsync("pool", Phases.Completed, Generous);
        output.WriteLine($"after the Secret was fixed: {done.Status!.Phase}; {Check(done, ErrorRate)!.Message}");

        var headers = proxy.AuthorizationHeaders.Distinct().ToList();
        Assert.Equal([$"Bearer {revoked}", $"Bearer {token}"], headers);
        Assert.Equal("Pass", Check(done, ErrorRate)!.Verdict);

        var events = await cluster.Client.CoreV1.ListNamespacedEventAsync(ns);
        var written = new Dictionary<string, string>
        {
            ["status while paused"] = KubernetesJson.Serialize(paused),
            ["status when completed"] = KubernetesJson.Serialize(done),
            ["events"] = string.Join('\n', events.Items.Select(e => $"{e.Reason}: {e.Message}")),
            ["operator log"] = string.Join('\n', logs.Lines),
        };
        output.WriteLine($"{logs.Lines.Count} log lines captured, {logs.Lines.Count(l => l.StartsWith("Trace", StringComparison.Ordinal))} at Trace");
        Assert.Contains(events.Items, e => e.Reason == "AnalysisInconclusive" && e.Message.Contains("got 'Bearer ***'", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.StartsWith("Trace System.Net.Http.HttpClient.PoolOperator.Analysis", StringComparison.Ordinal));
        foreach (var secretText in new[] { token, revoked, Base64(token), Base64(revoked) })
        {
            foreach (var (place, text) in written)
            {
                Assert.False(text.Contains(secretText, StringComparison.Ordinal), $"a token ({secretText[..6]}...) appears in the {place}");
            }
        }
    }

    private static V1Secret Secret(string token) => new()
    {
        Metadata = new V1ObjectMeta { Name = "prom-reader" },
        Data = new Dictionary<string, byte[]> { ["token"] = Encoding.UTF8.GetBytes(token) },
    };

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
