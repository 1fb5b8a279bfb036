using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// What the parts of one decision round share: the input, the plan, the status being built, and what the round
/// collects on the way (actions, Events, wake-ups, the stages it entered).
/// </summary>
internal sealed class DecisionRound(MigrationInput input)
{
    private readonly List<MigrationAction> actions = [];
    private readonly List<DateTimeOffset> wakeUps = [];

    public MigrationInput Input => input;

    public PoolMigration Migration => input.Migration;

    public PoolMigrationStatus Status { get; } = StatusCloner.Clone(input.Migration.Status);

    public MigrationPlan Plan { get; } = MigrationPlan.From(input.Migration.Spec);

    public DateTimeOffset Now => input.Now;

    public long Generation => input.Migration.Metadata.Generation ?? 1;

    public List<MigrationEvent> Events { get; } = [];

    /// <summary>Stages entered in this round, in order; a stage can be entered and passed in the same round.</summary>
    public List<int> EnteredStages { get; } = [];

    /// <summary>V1 as observed; read only after the round made sure both Deployments exist.</summary>
    public DeploymentObservation V1 => Autoscaling.Lever(input.V1!);

    public DeploymentObservation V2 => Autoscaling.Lever(input.V2!);

    /// <summary>The replicas the migration promises across both pools.</summary>
    public int Total => Migration.Spec.Replicas ?? Status.Original?.Replicas ?? V1.SpecReplicas;

    public bool Reverting => Status.Phase is { } phase && Phases.Reverting.Contains(phase);

    public string? Annotation(string name) =>
        Migration.Metadata.Annotations is { } annotations && annotations.TryGetValue(name, out var value) ? value : null;

    /// <summary>A one-shot request whose token differs from the one last handled.</summary>
    public bool Pending(string annotation, string? handled) => Annotation(annotation) is { Length: > 0 } token && token != handled;

    public void Normal(string reason, string message) => Events.Add(new MigrationEvent(MigrationEvent.Normal, reason, message));

    public void Warning(string reason, string message) => Events.Add(new MigrationEvent(MigrationEvent.Warning, reason, message));

    /// <summary>
    /// Asks for <paramref name="replicas"/> on a pool: its Deployment's replicas, or for a pool an HPA scales, the HPA's
    /// bounds (<paramref name="replicas"/> as the floor, <paramref name="maxReplicas"/> as the ceiling).
    /// </summary>
    public void Scale(DeploymentObservation deployment, int replicas, int? maxReplicas = null)
    {
        if (deployment.Autoscaler is not { } hpa)
        {
            if (deployment.SpecReplicas != replicas)
            {
                actions.Add(new ScaleDeployment(deployment.Name, replicas));
            }

            return;
        }

        if (replicas == 0)
        {
            // An HPA cannot hold 0 (see Autoscaling.RetiredReplicas): a pool switched off keeps its least, set by its HPA.
            Bound(deployment, hpa, Autoscaling.RetiredReplicas, Autoscaling.RetiredReplicas);
            return;
        }

        Bound(deployment, hpa, replicas, Math.Max(maxReplicas ?? hpa.MaxReplicas, replicas));
    }

    /// <summary>Puts a pool back as <paramref name="original"/> recorded it: its replicas, or its HPA's bounds.</summary>
    public void Restore(DeploymentObservation deployment, OriginalDeployment original)
    {
        if (deployment.Autoscaler is null || original.Autoscaler is not { } bounds)
        {
            Scale(deployment, original.Replicas);
            return;
        }

        Scale(deployment, bounds.MinReplicas, bounds.MaxReplicas);
    }

    public void Route(TrafficState traffic) => actions.Add(new RouteTraffic(traffic));

    public void Remove(string kind, string name) => actions.Add(new RemoveObject(kind, name));

    // Only future instants: a deadline or window already behind us is judged on every round anyway, and waking
    // "now" for it would requeue without pause for as long as a pause or a short pool holds the migration.
    public void Wake(DateTimeOffset at)
    {
        if (at > Now)
        {
            wakeUps.Add(at);
        }
    }

    /// <summary>Asks for the next round at once: this one took a step and leaves the next to it.</summary>
    public void WakeNow() => wakeUps.Add(Now);

    public MigrationDecision ToDecision()
    {
        TimeSpan? requeue = wakeUps.Count == 0 ? null : wakeUps.Min() - Now;
        if (requeue < TimeSpan.Zero)
        {
            requeue = TimeSpan.Zero;
        }

        // Later actions in a round supersede earlier ones for the same object (by position: equal records are still duplicates).
        var final = actions.Where((action, i) => !actions.Skip(i + 1).Any(later => SameTarget(action, later))).ToList();
        return new MigrationDecision(Status, final, Events, requeue);
    }

    private void Bound(DeploymentObservation deployment, AutoscalerObservation hpa, int min, int max)
    {
        if (hpa.MinReplicas != min || hpa.MaxReplicas != max)
        {
            actions.Add(new BoundAutoscaler(deployment.Name, hpa.Name, min, max));
        }
    }

    private OriginalDeployment? OriginalOf(DeploymentObservation deployment) =>
        Status.Original is not { } original ? null
        : original.V1.Deployment == deployment.Name ? original.V1
        : original.V2.Deployment == deployment.Name ? original.V2
        : null;

    private static bool SameTarget(MigrationAction first, MigrationAction second) => (first, second) switch
    {
        (ScaleDeployment a, ScaleDeployment b) => a.Deployment == b.Deployment,
        (ScaleDeployment, _) or (_, ScaleDeployment) => false,
        (BoundAutoscaler a, BoundAutoscaler b) => a.Deployment == b.Deployment,
        (BoundAutoscaler, _) or (_, BoundAutoscaler) => false,
        (RemoveObject a, RemoveObject b) => a == b,
        (RemoveObject, _) or (_, RemoveObject) => false,
        _ => first.GetType() == second.GetType(),
    };
}
