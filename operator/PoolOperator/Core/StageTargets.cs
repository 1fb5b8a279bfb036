namespace PoolOperator.Core;

/// <summary>
/// Where the current stage wants the pools and the traffic: replicas per pool, V2's share of the traffic and its
/// shadow copy. Once every stage passed (<see cref="Completing"/>) V2 serves everything while V1 stays warm.
/// </summary>
internal sealed record StageTargets(PlannedStage Stage, bool Completing, int Total, int V1, int V2)
{
    public int Weight => Completing ? 100 : Stage.Weight;

    public int ShadowPercent => Stage.ShadowPercent;

    public static StageTargets For(DecisionRound round, PlannedStage stage)
    {
        var total = round.Total;
        var (v1, v2) = ReplicaMath.ForStage(total, stage);
        var completing = round.Status.PromotedAt is not null;
        if (stage.Weight == 100 || completing)
        {
            // At 100% V1 stays warm, holding what it has, until the rollback window has passed.
            (v1, v2) = (round.V1.SpecReplicas, total);
        }

        return new StageTargets(stage, completing, total, v1, v2);
    }
}
