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
}
