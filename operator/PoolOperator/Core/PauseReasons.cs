namespace PoolOperator.Core;

internal static class PauseReasons
{
    public const string Spec = "Spec";
    public const string Annotation = "Annotation";
    public const string Inconclusive = "Inconclusive";
    public const string Trigger = "Trigger";
    public const string DeploymentMissing = "DeploymentMissing";
}
