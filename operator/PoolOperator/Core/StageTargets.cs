namespace PoolOperator.Core;

/// <summary>
/// Where the current stage wants the pools and the traffic: replicas per pool, V2's share of the traffic and its
/// shadow copy. Once every stage passed (<see cref="Completing"/>) V2 serves everything while V1 stays warm.
/// </summary>
internal sealed record StageTargets(PlannedStage Stage, bool Completing, int Total, int V1, int V2)
{
    public int Weight => Completing ? 100 : Stage.Weight;

    /// <summary>The ceiling for V1's HPA: the stage's share of V1's original maxReplicas (equal to <see cref="V1"/> without HPAs).</summary>
    public int V1Max { get; init; } = V1;

    public int V2Max { get; init; } = V2;

    public int ShadowPercent => Stage.ShadowPercent;

    public static StageTargets For(DecisionRound round, PlannedStage stage)
    {
        var total = round.Total;
        var (v1, v2) = ReplicaMath.ForStage(total, stage);
        var completing = round.Status.PromotedAt is not null;
        var maxima = Autoscaling.MaximaForStage(round.Status.Original, stage) ?? (v1, v2);
        if (stage.Weight == 100 || completing)
        {
            // At 100% V1 stays warm, holding what it has, until the rollback window has passed; V2's HPA gets V1's original bounds.
            (v1, v2) = (round.V1.SpecReplicas, total);
            maxima = (round.V1.Autoscaler?.MaxReplicas ?? v1, round.Status.Original?.V1.Autoscaler?.MaxReplicas ?? v2);
        }

        (v2, maxima.V2) = Autoscaling.V2ForStage(round.Status.Original, stage, stage.Weight == 100 || completing, v2, maxima.V2);
        return new StageTargets(stage, completing, total, v1, v2) { V1Max = Math.Max(maxima.V1, v1), V2Max = Math.Max(maxima.V2, v2) };
    }
}
