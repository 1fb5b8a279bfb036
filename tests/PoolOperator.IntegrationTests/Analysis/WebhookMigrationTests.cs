using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.IntegrationTests.Operator;
using Xunit;
using Xunit.Abstractions;
using static PoolOperator.IntegrationTests.Analysis.AnalysisMigrations;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>The operator judging migrations by a smoke-test webhook on loopback: 2xx passes, anything else fails, silence pauses.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WebhookMigrationTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int FailureLimit = 3;
    private const int InconclusiveLimit = 3;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Webhook_answering_200_lets_the_migration_complete()
    {
        var bodies = new ConcurrentQueue<string>();
        await using var smoke = await LocalHttpServer.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            bodies.Enqueue(await reader.ReadToEndAsync());
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        var (kit, ns) = await PoolAsync("webhook-pass");
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: OperatorSettings(ns));

        var timer = Stopwatch.StartNew();
        await kit.CreateAsync(Migration("pool", [WebhookCheck(new Uri(smoke.Address, "/run"))], FailureLimit, InconclusiveLimit));
        var done = await kit.WaitForPhaseAsync("pool", Phases.Completed, Generous);
        output.WriteLine($"completed in {timer.Elapsed.TotalSeconds:0.0} s after {bodies.Count} webhook calls");

        var check = Check(done, Smoke)!;
        Assert.Equal("Pass", check.Verdict);
        Assert.Equal("webhook answered 200 OK", check.Message);
        var stages = bodies.Select(body => JsonDocument.Parse(body).RootElement)
            .Select(json => (Migration: json.GetProperty("migration").GetString(), Namespace: json.GetProperty("namespace").GetString(),
                Stage: json.GetProperty("stage").GetString(), Weight: json.GetProperty("weight").GetInt32()))
            .ToList();
        Assert.All(stages, call => Assert.Equal(("pool", ns), (call.Migration, call.Namespace)));
        Assert.Contains(("canary-25", 25), stages.Select(call => (call.Stage, call.Weight)));
        Assert.Contains("full", stages.Select(call => call.Stage));
    }

    [Fact]
    public async Task Webhook_answering_500_rolls_back_after_failure_limit_answers()
    {
        var failing = false;
        var failures = 0;
        await using var smoke = await LocalHttpServer.StartAsync(async context =>
        {
            if (!Volatile.Read(ref failing))
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                return;
            }

            Interlocked.Increment(ref failures);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsync("checkout smoke test failed: 3 of 20 orders lost");
        });
        var (kit, ns) = await PoolAsync("webhook-fail");
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: OperatorSettings(ns));
        await kit.CreateAsync(Migration("pool", [WebhookCheck(smoke.Address)], FailureLimit, InconclusiveLimit,
            Stage("canary-25", 25, "5m"), Stage("full", 100, "1s")));
        await kit.WaitForAsync("pool", m => SettledIn(m, "canary-25", Smoke) && m.Status!.Weight == 25, Generous, "canary-25 settled with the webhook passing");

        Volatile.Write(ref failing, true);
        var timer = Stopwatch.StartNew();
        var rolledBack = await kit.WaitForPhaseAsync("pool", Phases.RolledBack, Generous);
        output.WriteLine($"webhook failing -> RolledBack in {timer.Elapsed.TotalSeconds:0.00} s after {Volatile.Read(ref failures)} failing answers");

        var rollback = rolledBack.Status!.Rollback!;
        Assert.Equal(Smoke, rollback.Trigger);
        Assert.Equal("canary-25", rollback.FromStage);
        Assert.Equal(FailureLimit, Volatile.Read(ref failures));
        Assert.Equal(FailureLimit, rollback.Snapshot[Smoke].ConsecutiveFailures);
        Assert.Equal("webhook answered 500 Internal Server Error: checkout smoke test failed: 3 of 20 orders lost", rollback.Snapshot[Smoke].Message);
        Assert.Equal(4, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
    }

    [Fact]
    public async Task Webhook_that_never_answers_pauses_and_never_rolls_back()
    {
        var silent = false;
        await using var smoke = await LocalHttpServer.StartAsync(async context =>
        {
            if (Volatile.Read(ref silent))
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        var (kit, ns) = await PoolAsync("webhook-timeout");
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: OperatorSettings(ns));
        // canary-25 outlasts the inconclusive measurements by far: the pause must come from them, not race the stage's end.
        await kit.CreateAsync(Migration("pool", [WebhookCheck(smoke.Address, timeoutSeconds: 1)], FailureLimit, InconclusiveLimit,
            Stage("canary-25", 25, "5m"), Stage("full", 100, "1s")));
        await kit.WaitForAsync("pool", m => SettledIn(m, "canary-25", Smoke) && m.Status!.Weight == 25, Generous, "canary-25 settled with the webhook passing");
        await using var history = PhaseHistory.Start(kit, "pool");
        var before = await DeploymentGenerationsAsync(kit, "pool");

        Volatile.Write(ref silent, true);
        var timer = Stopwatch.StartNew();
        var paused = await kit.WaitForAsync("pool", m => m.Status?.Phase == Phases.Paused, Generous, "paused");
        output.WriteLine($"webhook silent -> Paused after {timer.Elapsed.TotalSeconds:0.00} s: {paused.Status!.Pause!.Message}");
        var later = await kit.WaitForAsync("pool", m => m.Status?.Analysis?.ConsecutiveInconclusive >= InconclusiveLimit + 3, Generous, "more inconclusive measurements");
        output.WriteLine($"phases: {history}");

        Assert.Equal(PauseReasons.Inconclusive, paused.Status.Pause.Reason);
        Assert.Equal("canary-25", paused.Status.StageName);
        Assert.Equal(Phases.Paused, later.Status!.Phase);
        Assert.Equal("Inconclusive", Check(later, Smoke)!.Verdict);
        Assert.Equal(0, Check(later, Smoke)!.ConsecutiveFailures);
        Assert.DoesNotContain(Phases.RollingBack, history.Phases);
        Assert.DoesNotContain(Phases.RolledBack, history.Phases);
        Assert.Equal(before, await DeploymentGenerationsAsync(kit, "pool"));
        Assert.Empty(await WarningsAsync(kit, "pool", "RollbackTriggered"));
    }

    private async Task<(MigrationKit Kit, string Namespace)> PoolAsync(string prefix)
    {
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        return (kit, ns);
    }
}
