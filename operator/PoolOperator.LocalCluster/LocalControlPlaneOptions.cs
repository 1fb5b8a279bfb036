namespace PoolOperator.LocalCluster;

/// <summary>How <see cref="LocalControlPlane.StartAsync"/> starts the control plane.</summary>
public sealed record LocalControlPlaneOptions
{
    /// <summary>The binaries to run; by default <see cref="ControlPlaneBinaries.LocateAsync"/> finds or builds them.</summary>
    public ControlPlaneBinaries? Binaries { get; init; }

    /// <summary>Where the temporary data directory is created; by default the system temp directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>How long each component may take to become ready before start-up fails.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Keeps the data directory (component logs, etcd data) after disposal, for debugging.</summary>
    public bool KeepWorkingDirectory { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The kube-controller-manager controllers to run (its <c>--controllers</c>). Start-up waits for the
    /// <c>serviceaccount</c> controller, so keep it in the list.
    /// </summary>
    public IReadOnlyList<string> Controllers { get; init; } = DefaultControllers;

    /// <summary>
    /// The apiserver's <c>--max-requests-inflight</c> (and half of it as <c>--max-mutating-requests-inflight</c>);
    /// raise it when thousands of objects are written at once. Null keeps the apiserver's defaults.
    /// </summary>
    public int? MaxRequestsInflight { get; init; }

    /// <summary>
    /// An extra static-token user (group <c>system:masters</c>) whose every request the apiserver writes to an
    /// audit log at level Metadata (see <see cref="LocalControlPlane.AuditLogPath"/> and
    /// <see cref="LocalControlPlane.WriteAuditedUserKubeconfig"/>); requests of other users are not recorded.
    /// </summary>
    public string? AuditedUser { get; init; }

    /// <summary>Deployments, ReplicaSets and Pods for real, plus garbage collection, namespaces and service accounts.</summary>
    public static IReadOnlyList<string> DefaultControllers { get; } =
        ["deployment", "replicaset", "garbagecollector", "namespace", "serviceaccount", "serviceaccount-token"];
}
