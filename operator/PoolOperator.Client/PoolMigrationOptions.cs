namespace PoolOperator.Client;

/// <summary>Settings of a <see cref="PoolMigrationClient"/>; bind them from the <c>PoolMigration</c> configuration section.</summary>
public sealed class PoolMigrationOptions
{
    /// <summary>The environment variable that forces every session to <c>v1</c> or <c>v2</c>.</summary>
    public const string DefaultForceEnvironmentVariable = "POOL_MIGRATION_FORCE";

    /// <summary>Where the flags document comes from.</summary>
    public FlagsSourceKind Source { get; set; } = FlagsSourceKind.File;

    /// <summary>The directory the flags ConfigMap is mounted at (a volume mount of the ConfigMap, not a subPath).</summary>
    public string FlagsDirectory { get; set; } = "/etc/pool-migration";

    /// <summary>The file in <see cref="FlagsDirectory"/>, and the ConfigMap key, that holds the document.</summary>
    public string FlagsKey { get; set; } = "rollout.json";

    /// <summary>Watch <see cref="FlagsDirectory"/> for changes; turn off on file systems without change notification.</summary>
    public bool WatchFileSystem { get; set; } = true;

    /// <summary>How often the document is read again whatever the watch reported, as a safety net.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The flags ConfigMap's name, for <see cref="FlagsSourceKind.Kubernetes"/> (<c>trafficRouting.flags.configMap</c>).</summary>
    public string? ConfigMapName { get; set; }

    /// <summary>The ConfigMap's namespace; by default <c>POD_NAMESPACE</c>, else the pod's service-account namespace.</summary>
    public string? ConfigMapNamespace { get; set; }

    /// <summary>Forces every call of this client to one pool; beaten only by a per-call force.</summary>
    public Pool? Force { get; set; }

    /// <summary>The environment variable read once at start-up for a process-wide force (<c>v1</c> or <c>v2</c>).</summary>
    public string ForceEnvironmentVariable { get; set; } = DefaultForceEnvironmentVariable;

    /// <summary>Background V2 calls for comparison.</summary>
    public ShadowOptions Shadow { get; set; } = new();

    /// <summary>How shadow results are compared.</summary>
    public ComparisonOptions Comparison { get; set; } = new();

    /// <summary>The circuit breaker on live V2 calls.</summary>
    public BreakerOptions Breaker { get; set; } = new();
}
