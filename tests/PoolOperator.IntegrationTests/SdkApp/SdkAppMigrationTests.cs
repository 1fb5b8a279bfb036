using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Analysis;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.IntegrationTests.Operator;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.SdkApp;

/// <summary>
/// The example application (docs/examples/sdk-app: V1 and V2 of <c>GET /quote/{sku}</c> in one process, chosen per
/// session by the client SDK) migrated by the operator end to end: the operator publishes the flags ConfigMap on a
/// real apiserver, the test plays the kubelet that swaps it into the application's flags directory, a real Prometheus
/// scrapes the application's SDK metrics, and the built-in shadowComparison check reads them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class SdkAppMigrationTests(ClusterFixture cluster, PrometheusFixture prometheus, ITestOutputHelper output) : IClassFixture<PrometheusFixture>
{
    private const string Pool = "quotes";
    private const string FlagsConfigMap = "quotes-rollout";
    private const string Agreement = "shadow-agreement";
    private const int Sessions = 1000;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Shadow_counts_real_comparisons_weights_hold_for_sessions_and_a_diverging_V2_is_rolled_back_by_the_shadow_check()
    {
        var timer = Stopwatch.StartNew();
        var ns = await cluster.CreateNamespaceAsync("sdk-app");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync(Pool, 4);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await using var volume = ConfigMapVolumeMirror.Start(cluster.Client, ns, FlagsConfigMap);
        var port = FreePort.Next();
        var app = await SdkAppProcess.StartAsync(port, volume.Directory, "same");
        try
        {
            await prometheus.ScrapeAsync("sdk-app", app.Address);
            await using var load = BackgroundQuoteLoad.Start(app.Address);
            await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: AnalysisMigrations.OperatorSettings(ns));
            await kit.CreateAsync(QuotesMigration());

            // Shadow: V1 answers everyone, V2 runs the same call behind it, and the check reads the comparisons from Prometheus.
            var shadow = await kit.WaitForAsync(Pool, m => AwaitingApprovalIn(m, "shadow"), Generous, "shadow stage passed, waiting at its gate");
            var passed = Check(shadow);
            output.WriteLine($"[{timer.Elapsed.TotalSeconds:0.0}s] shadow: {passed.Verdict} {passed.Value} ({passed.Message}); load {load.Answered} answered, {load.Failed} failed");
            Assert.Equal("Pass", passed.Verdict);
            Assert.True(passed.PassedInStage);
            Assert.Equal(0, passed.Value);
            var counted = CountedComparisons().Match(passed.Message!);
            Assert.True(counted.Success, passed.Message);
            Assert.True(int.Parse(counted.Groups["total"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 20, passed.Message);
            Assert.Equal("0", counted.Groups["mismatched"].Value);
            var report = await app.ShadowReportAsync(http);
            Assert.True(report.GetProperty("comparisons").GetInt64() > 0, report.ToString());
            Assert.Equal(0, report.GetProperty("mismatches").GetInt64());
            Assert.True(await prometheus.QueryAsync($"sum(poolmigration_shadow_comparisons_total{{migration=\"{ns}/{Pool}\",outcome=\"match\"}})") > 0);
            Assert.All((await QuoteTraffic.ServedByAsync(http, app.Address, QuoteTraffic.NewSessions(100))).Values, pool => Assert.Equal("v1", pool));

            // Weighted stages: the share of new sessions V2 answers is the stage's weight, and a session keeps its pool.
            await ApproveAsync(kit, "shadow");
            foreach (var (stage, weight) in new[] { ("canary-20", 20), ("canary-50", 50) })
            {
                var waiting = await kit.WaitForAsync(Pool, m => AwaitingApprovalIn(m, stage) && m.Status!.Weight == weight, Generous, $"{stage} at {weight}% waiting at its gate");
                await WaitForAppFlagsAsync(app, http, flags => flags.GetProperty("v2Percent").GetInt32() == weight, $"v2Percent {weight}");
                var sessions = QuoteTraffic.NewSessions(Sessions);
                var servedBy = await QuoteTraffic.ServedByAsync(http, app.Address, sessions);
                var share = servedBy.Values.Count(pool => pool == "v2") / (double)Sessions;
                var p = weight / 100.0;
                var bound = 5 * Math.Sqrt(p * (1 - p) / Sessions);
                var again = await QuoteTraffic.ServedByAsync(http, app.Address, sessions.Take(200).ToList());
                output.WriteLine($"[{timer.Elapsed.TotalSeconds:0.0}s] {stage}: {share:P1} of {Sessions} new sessions on V2 (weight {weight}%, bound ±{bound:P1}); {Check(waiting).Message}");
                Assert.InRange(share, p - bound, p + bound);
                Assert.All(again, session => Assert.Equal(servedBy[session.Key], session.Value));
                Assert.Equal("Pass", Check(waiting).Verdict);
                Assert.StartsWith($"not judged: stage {stage} copies no traffic to V2", Check(waiting).Message, StringComparison.Ordinal);
                if (stage != "canary-50")
                {
                    await ApproveAsync(kit, stage);
                }
            }

            // While the migration waits at the 50% gate, a new V2 build that answers differently arrives: the application
            // is redeployed with it and V2's pod template changes, so the migration starts again from its shadow stage,
            // where the comparisons disagree.
            await app.DisposeAsync();
            app = await SdkAppProcess.StartAsync(port, volume.Directory, "diverge");
            var rebuild = new { spec = new { template = new { metadata = new { annotations = new Dictionary<string, string> { ["example.com/build"] = "2" } } } } };
            await kit.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(rebuild, V1Patch.PatchType.MergePatch), $"{Pool}-v2", ns);
            var diverged = Stopwatch.StartNew();

            var rolledBack = await kit.WaitForPhaseAsync(Pool, Phases.RolledBack, Generous);
            var rollback = rolledBack.Status!.Rollback!;
            var snapshot = rollback.Snapshot[Agreement];
            output.WriteLine($"[{timer.Elapsed.TotalSeconds:0.0}s] diverging V2 rolled back {diverged.Elapsed.TotalSeconds:0.0} s after it was deployed: {rollback.Reason}");
            Assert.Equal(Agreement, rollback.Trigger);
            Assert.Equal("shadow", rollback.FromStage);
            Assert.Equal("Fail", snapshot.Verdict);
            Assert.True(snapshot.Value > 0.01, $"snapshot value {snapshot.Value}");
            Assert.EndsWith("> maxMismatchRatio 0.01", snapshot.Message, StringComparison.Ordinal);
            Assert.Contains(await AnalysisMigrations.WarningsAsync(kit, Pool, "RollbackTriggered"), e => e.Message.Contains($"trigger {Agreement}", StringComparison.Ordinal));
            Assert.True((await app.ShadowReportAsync(http)).GetProperty("mismatches").GetInt64() > 0);

            // Rolled back: the application sends every session to V1 and shadows nothing.
            await WaitForAppFlagsAsync(app, http, flags => flags.GetProperty("effectiveV2Percent").GetInt32() == 0 && flags.GetProperty("effectiveShadowPercent").GetInt32() == 0,
                "no V2 share and no shadow share");
            Assert.All((await QuoteTraffic.ServedByAsync(http, app.Address, QuoteTraffic.NewSessions(200))).Values, pool => Assert.Equal("v1", pool));
            output.WriteLine($"[{timer.Elapsed.TotalSeconds:0.0}s] done; load {load.Answered} answered, {load.Failed} failed while the application restarted");
        }
        catch
        {
            output.WriteLine($"example application output:\n{app.Output}");
            throw;
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private PoolMigration QuotesMigration()
    {
        var migration = MigrationKit.Migration(
            Pool,
            Stages.Shadow("shadow", 100, "2s"),
            Stages.Weighted("canary-20", 20, "1s", approval: true),
            Stages.Weighted("canary-50", 50, "1s", approval: true),
            Stages.Weighted("full", 100, "1s"));
        migration.Spec.Stages[0].Approval = "Required";
        migration.Spec.TrafficRouting = new TrafficRoutingSpec { Flags = new FlagsRouting { ConfigMap = FlagsConfigMap } };
        migration.Spec.Analysis = new AnalysisSpec
        {
            Interval = "1s",
            FailureLimit = 3,

            // The first seconds of a shadow stage have too few comparisons to judge: inconclusive, which must not pause it here.
            InconclusiveLimit = 30,
            Checks =
            [
                new AnalysisCheck
                {
                    Name = Agreement,
                    ShadowComparison = new ShadowComparisonCheck
                    {
                        Prometheus = new PrometheusEndpoint { Address = prometheus.Address.ToString() },
                        MaxMismatchRatio = 0.01,
                        MinComparisons = 20,
                        Window = "30s",
                    },
                },
            ],
        };
        return migration;
    }

    private static bool AwaitingApprovalIn(PoolMigration migration, string stage) =>
        migration.Status is { Phase: Phases.AwaitingApproval } status && status.StageName == stage;

    private static CheckStatus Check(PoolMigration migration) =>
        AnalysisMigrations.Check(migration, Agreement) ?? throw new InvalidOperationException($"no {Agreement} in status");

    private static Task ApproveAsync(MigrationKit kit, string stage) => kit.AnnotateAsync(Pool, ActionAnnotations.Approve, $"approve-{stage}");

    private async Task WaitForAppFlagsAsync(SdkAppProcess app, HttpClient http, Func<JsonElement, bool> condition, string description)
    {
        JsonElement? last = null;
        try
        {
            await cluster.WaitForAsync(async () => condition((last = await app.FlagsAsync(http)).Value), Generous, $"the application uses {description}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last flags: {last}", e);
        }
    }

    [GeneratedRegex(@"^mismatch ratio 0 \((?<mismatched>[0-9]+) of (?<total>[0-9]+) shadow comparisons in the last 30s\) <= maxMismatchRatio 0\.01$")]
    private static partial Regex CountedComparisons();
}
