namespace PoolOperator.Core;

/// <summary>
/// The migration's decision core: from the PoolMigration (spec, action annotations, status), the observed
/// Deployments, the measurements taken this round and the time, it computes the next status and the desired
/// state to apply. It performs no I/O, so every transition is a plain function call in the unit tests, and the
/// reconciler can persist the status before applying anything that depends on it.
/// </summary>
internal static class MigrationDecider
{
    public static MigrationDecision Decide(MigrationInput input)
    {
        var round = new DecisionRound(input);
        Run(round);
        return round.ToDecision();
    }

    /// <summary>The order in which a round settles things; each step may end the round.</summary>
    private static void Run(DecisionRound round)
    {
        Lifecycle.ObserveReplicaCounts(round);

        // A finished migration is never re-run, whatever restarts or spec edits happen afterwards.
        if (round.Status.Phase == Phases.Completed)
        {
            round.Status.ObservedGeneration = round.Generation;
            Cleanup.Continue(round);
            Milestones.Record(round);
            return;
        }

        // Spec errors stop everything before any action.
        if (round.Input.SpecErrors.Count > 0)
        {
            Lifecycle.MarkInvalid(round, round.Input.SpecErrors.Select(e => $"{e.Field}: {e.Message}"));
            return;
        }

        // A missing Deployment stops the round before anything is started, requested or moved.
        if (round.Input.V1 is null || round.Input.V2 is null)
        {
            Lifecycle.HoldForMissingDeployment(round);
            return;
        }

        Lifecycle.ContinueWhenDeploymentsFound(round);

        // A run that starts or restarts now takes this round: the requests it found belong to the previous run.
        if (!Lifecycle.StartOrRestartWhenNeeded(round))
        {
            Requests.Handle(round);
        }

        Proceed(round);
        Conditions.Write(round);
        DisruptionBudgets.Write(round);
        Milestones.Record(round);
    }

    private static void Proceed(DecisionRound round)
    {
        switch (round.Status.Phase)
        {
            // A revert in flight finishes before anything else: a retry or a new generation waits for RolledBack.
            case Phases.RollingBack:
                Rollback.Continue(round);
                break;

            // Reasserted every round: the round that reached RolledBack may have crashed before restoring the traffic.
            case Phases.RolledBack:
                Rollback.RestoreTraffic(round);
                break;

            default:
                StageProgression.Advance(round);
                break;
        }
    }
}
