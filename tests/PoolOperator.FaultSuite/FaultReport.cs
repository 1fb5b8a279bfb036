using System.Globalization;

namespace PoolOperator.FaultSuite;

/// <summary>The counts of a run, printed as tables, and whether the run passed.</summary>
internal sealed class FaultReport(
    FaultSuiteOptions options,
    IReadOnlyList<PoolOutcome> outcomes,
    InvariantChecker checker,
    int failovers,
    int kills,
    int apiServerRestarts,
    int prometheusOutages,
    int conflictingWrites,
    int hangingWebhookCalls,
    IReadOnlyList<string> faultErrors,
    TimeSpan faultClock,
    TimeSpan wallClock)
{
    private readonly IReadOnlyList<Violation> violations = checker.Violations;

    public bool WrongOutcomes => outcomes.Any(o => !o.Correct);

    /// <summary>
    /// No violation, every outcome right, and the schedule really happened: every kill and restart made, at least one
    /// failover, the outage and some conflicting writes (a run whose faults silently failed proves nothing).
    /// </summary>
    public bool Passed => violations.Count == 0 && !WrongOutcomes && ScheduleShortfalls().Count == 0;

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"== fault suite, {options.Name} run, seed {options.Seed}: {wallClock.TotalSeconds:F0} s in all, {faultClock.TotalSeconds:F0} s from the first migration");
        Console.WriteLine();
        foreach (var outcome in outcomes)
        {
            Console.WriteLine($"   {(outcome.Correct ? "ok   " : "WRONG")} {outcome.Plan.Name}: {outcome.Detail}");
        }

        Console.WriteLine();
        Console.WriteLine("| Migrations | Expected outcome | Count | Ended as expected | Ended otherwise |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (var kind in Enum.GetValues<PoolKind>())
        {
            var ofKind = outcomes.Where(o => o.Plan.Kind == kind).ToList();
            if (ofKind.Count == 0)
            {
                continue;
            }

            var wrong = ofKind.Where(o => !o.Correct).ToList();
            var others = wrong.Count == 0 ? "0" : $"{wrong.Count} ({string.Join(", ", wrong.GroupBy(o => o.Phase).Select(g => $"{g.Count()} {g.Key}"))})";
            Console.WriteLine($"| {Describe(kind)} | {ofKind[0].Plan.ExpectedPhase}{(kind == PoolKind.HangingWebhook ? " (inconclusive, at 25% or less, replicas held)" : "")} | {ofKind.Count} | {ofKind.Count - wrong.Count} | {others} |");
        }

        Console.WriteLine($"| all | | {outcomes.Count} | {outcomes.Count(o => o.Correct)} | {outcomes.Count(o => !o.Correct)} |");
        Console.WriteLine();
        Console.WriteLine("| Fault or check | Count |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine($"| operator SIGKILLs (planned {options.Kills}) | {kills} |");
        Console.WriteLine($"| leadership failovers between the two replicas | {failovers} |");
        Console.WriteLine($"| apiserver restarts (planned {options.ApiServerRestarts}) | {apiServerRestarts} |");
        Console.WriteLine($"| Prometheus outages of {options.PrometheusOutage.TotalSeconds:0} s | {prometheusOutages} |");
        Console.WriteLine($"| conflicting writes of spec.replicas | {conflictingWrites} |");
        Console.WriteLine($"| webhook calls left hanging | {hangingWebhookCalls} |");
        Console.WriteLine($"| watch events judged (PoolMigrations and Deployments) | {checker.EventsSeen} |");
        Console.WriteLine($"| watch restarts (with retries while the apiserver was down) / relists after 410 Gone | {checker.Reconnects} / {checker.Relists} |");
        foreach (var invariant in Invariants.All)
        {
            Console.WriteLine($"| checks: {invariant} | {checker.Checks.GetValueOrDefault(invariant)} |");
        }

        Console.WriteLine($"| invariant checks in all | {checker.Checks.Values.Sum()} |");
        Console.WriteLine($"| violations | {violations.Count} |");

        foreach (var violation in violations)
        {
            Console.WriteLine($"   VIOLATION {violation.At:O} (+{violation.IntoRun.TotalSeconds:F1}s) [{violation.Invariant}] {violation.Object}: {violation.Detail}");
        }

        foreach (var outcome in outcomes.Where(o => !o.Correct))
        {
            Console.WriteLine($"   WRONG OUTCOME {outcome.Plan.Name} (expected {outcome.Plan.ExpectedPhase}): {outcome.Detail}");
        }

        foreach (var shortfall in ScheduleShortfalls())
        {
            Console.WriteLine($"   SCHEDULE NOT MET: {shortfall}");
        }

        Console.WriteLine();
        Console.WriteLine(Passed
            ? "PASSED: no invariant violated, every migration ended as its health dictates"
            : string.Create(CultureInfo.InvariantCulture, $"FAILED: {violations.Count} violation(s), {outcomes.Count(o => !o.Correct)} wrong outcome(s), {ScheduleShortfalls().Count} schedule shortfall(s)"));
    }

    private List<string> ScheduleShortfalls()
    {
        var shortfalls = new List<string>(faultErrors);
        if (kills < options.Kills)
        {
            shortfalls.Add($"{kills} of {options.Kills} kills made");
        }

        if (apiServerRestarts < options.ApiServerRestarts)
        {
            shortfalls.Add($"{apiServerRestarts} of {options.ApiServerRestarts} apiserver restarts made");
        }

        if (prometheusOutages < 1)
        {
            shortfalls.Add("no Prometheus outage");
        }

        if (failovers < 1)
        {
            shortfalls.Add("leadership never failed over");
        }

        if (conflictingWrites < 1)
        {
            shortfalls.Add("no conflicting write was made");
        }

        return shortfalls;
    }

    private static string Describe(PoolKind kind) => kind switch
    {
        PoolKind.Healthy => "healthy V2",
        PoolKind.CrashLoop => "V2 crash-looping from the start",
        PoolKind.FailingPrometheus => "V2 failing its Prometheus check",
        PoolKind.DegradingPrometheus => "V2 failing its Prometheus check from 50% on",
        PoolKind.NeverReady => "V2 never ready",
        PoolKind.HangingWebhook => "webhook check that hangs",
        _ => kind.ToString(),
    };
}
