namespace PoolOperator.Core;

/// <summary>
/// The annotations through which people act on a migration. A one-shot action carries a request token (any
/// new value, e.g. a timestamp); the operator records the last token it handled in status, so each request
/// runs exactly once and a GitOps sync, which does not manage these annotations, never undoes or replays it.
/// </summary>
internal static class ActionAnnotations
{
    public const string Prefix = "pooloperator.io/";
    public const string Approve = Prefix + "approve";
    public const string Promote = Prefix + "promote";
    public const string Abort = Prefix + "abort";
    public const string Retry = Prefix + "retry";
    public const string Resume = Prefix + "resume";

    /// <summary>Level-triggered: "true" holds the migration paused until the annotation is removed.</summary>
    public const string Paused = Prefix + "paused";
}
