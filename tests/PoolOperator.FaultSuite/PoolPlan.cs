namespace PoolOperator.FaultSuite;

/// <summary>One pool of the run: Deployments NAME-v1 and NAME-v2 and the PoolMigration NAME.</summary>
internal sealed record PoolPlan(string Name, PoolKind Kind)
{
    public string V1 => Name + "-v1";

    public string V2 => Name + "-v2";

    /// <summary>The phase the migration must end in, dictated by V2's health.</summary>
    public string ExpectedPhase => Kind switch
    {
        PoolKind.Healthy => "Completed",
        PoolKind.HangingWebhook => "Paused",
        _ => "RolledBack",
    };
}
