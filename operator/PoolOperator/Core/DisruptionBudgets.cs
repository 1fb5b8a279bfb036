using System.Globalization;

namespace PoolOperator.Core;

/// <summary>
/// Reports, never enforces, how the pools' PodDisruptionBudgets fit the migration: a budget that asks for more available
/// pods than the stage leaves it (then no covered pod can be evicted: node drains and upgrades wait for it), and V2
/// carrying live traffic with no budget at all (a drain may evict all of its pods at once). Scaling a Deployment down is
/// not an eviction, so neither finding holds the migration: each shows in the <c>DisruptionBudgets</c> condition and
/// once per run as a Warning Event.
/// </summary>
internal static class DisruptionBudgets
{
    private const string V2WithoutBudget = "v2-none";

    public static void Write(DecisionRound round)
    {
        var status = round.Status;
        // Budgets not observed (null) are not judged.
        if (round.Input.Budgets is null || !Phases.IsIn(Phases.Active, status.Phase) || round.Input.V1 is null || round.Input.V2 is null)
        {
            // Nothing moves any more: what the budgets meant for the stages is no longer news.
            if (status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.DisruptionBudgets) is { } stale)
            {
                status.Conditions.Remove(stale);
            }

            return;
        }

        var findings = Find(round);
        var run = status.Run ?? 1;
        foreach (var (key, message) in findings)
        {
            round.Events.Add(new MigrationEvent(MigrationEvent.Warning, "DisruptionBudget", message, $"run{run}-budget-{key}"));
        }

        var ok = findings.Count == 0;
        ConditionWriter.Set(status, ConditionTypes.DisruptionBudgets, ok,
            ok ? "BudgetsFit" : findings[0].Key == V2WithoutBudget ? "V2WithoutBudget" : "BudgetExceedsStage",
            ok ? "the pools' PodDisruptionBudgets fit this stage" : string.Join("; ", findings.Select(f => f.Message)),
            round.Generation, round.Now);
    }

    private static List<(string Key, string Message)> Find(DecisionRound round)
    {
        var status = round.Status;
        var budgets = round.Input.Budgets!;
        var stage = round.Plan.Stages[Math.Clamp(status.StageIndex ?? 0, 0, round.Plan.Stages.Count - 1)];
        var targets = StageTargets.For(round, stage);

        // After the rollback window V1 goes to zero: a budget on V1 must allow that too.
        var (v1Pods, v2Pods) = (targets.Completing ? 0 : targets.V1, targets.V2);
        var findings = new List<(string, string)>();
        foreach (var budget in budgets)
        {
            var covered = (budget.CoversV1 ? v1Pods : 0) + (budget.CoversV2 ? v2Pods : 0);
            if (Absolute(budget.MinAvailable) is { } minimum && minimum > covered && budget.CoversV1)
            {
                findings.Add((budget.Name, $"PodDisruptionBudget {budget.Name} requires {minimum} available pods but stage {stage.Name} leaves it {covered}: " +
                    "no pod it covers can be evicted (node drains wait) until it is changed; the migration goes on"));
            }
        }

        if ((status.Weight ?? 0) > 0 && !budgets.Any(b => b.CoversV2))
        {
            findings.Add((V2WithoutBudget, $"V2 serves {status.Weight}% of the traffic and no PodDisruptionBudget covers its pods: a node drain may evict all of them at once"));
        }

        return findings;
    }

    // A percentage scales with the pool and always leaves a shrunk pool reachable; only a fixed count can exceed it.
    private static int? Absolute(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
}
