namespace PoolOperator.Core;

/// <summary>
/// The <see cref="ConditionTypes.TrafficIsolation"/> condition: while V2 must answer nobody (a shadow stage, or no weight
/// on V2 yet), a Service whose selector picks V2's pods sends it live requests, which the shadow stage promises never
/// happens. The operator does not edit Services; it says which one and what to change.
/// </summary>
internal static class TrafficIsolation
{
    public const string ServiceSelectsV2Reason = "ServiceSelectsV2";

    public static void Write(DecisionRound round)
    {
        if (round.Input.ServicesSelectingV2 is not { } services)
        {
            // Services were not observed this round: the condition keeps what it said last.
            return;
        }

        var status = round.Status;
        var stage = status.StageIndex is { } index && index < round.Plan.Stages.Count ? round.Plan.Stages[index] : null;
        var mustAnswerNobody = Phases.IsIn(Phases.Active, status.Phase) && status.PromotedAt is null
            && (status.Weight ?? 0) == 0 && stage is { Weight: 0 } && round.V2.SpecReplicas > 0;
        if (!mustAnswerNobody)
        {
            Set(round, true, "NotRequired", status.Weight is > 0 ? $"V2 may answer live requests at weight {status.Weight}" : "no stage keeps V2 from live traffic now");
            return;
        }

        if (services.Count == 0)
        {
            Set(round, true, "Isolated", "no Service other than the route's V2 backend selects V2's pods");
            return;
        }

        var names = string.Join(", ", services.Order(StringComparer.Ordinal));
        Set(round, false, ServiceSelectsV2Reason,
            $"Service {names} selects V2's pods, so they answer live requests although stage {stage!.Name} gives V2 no traffic; " +
            "narrow the Service's selector to V1's pods (e.g. a track label) or route through spec.trafficRouting.gatewayAPI");
    }

    private static void Set(DecisionRound round, bool value, string reason, string message) =>
        ConditionWriter.Set(round.Status, ConditionTypes.TrafficIsolation, value, reason, message, round.Generation, round.Now);
}
