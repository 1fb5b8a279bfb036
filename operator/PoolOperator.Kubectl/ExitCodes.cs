namespace PoolOperator.Kubectl;

/// <summary>The exit codes scripts rely on (docs/kubectl-plugin.md).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The cluster could not be reached, refused the request, or a wait timed out.</summary>
    public const int Error = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>The PoolMigration (or the plan's file) does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>The action does not apply in the migration's current phase; nothing was changed.</summary>
    public const int NotApplicable = 4;

    /// <summary><c>plan</c> found something that would stop the migration.</summary>
    public const int BlockingFinding = 5;

    /// <summary><c>status --watch</c> saw the migration roll back.</summary>
    public const int RolledBack = 6;

    /// <summary>Interrupted with Ctrl+C.</summary>
    public const int Interrupted = 130;
}
