namespace PoolOperator.Client;

/// <summary>Where the SDK reads the flags document from.</summary>
public enum FlagsSourceKind
{
    /// <summary>The ConfigMap mounted as a volume: <see cref="PoolMigrationOptions.FlagsDirectory"/>.</summary>
    File,

    /// <summary>The ConfigMap read and watched through the Kubernetes API.</summary>
    Kubernetes,

    /// <summary>No source: flags are set in code with <see cref="PoolMigrationClient.ApplyDocument"/> (tests, tools).</summary>
    None,
}
