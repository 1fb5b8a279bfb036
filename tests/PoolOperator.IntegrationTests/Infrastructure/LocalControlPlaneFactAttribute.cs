using Xunit;

namespace PoolOperator.IntegrationTests.Infrastructure;

/// <summary>
/// A test that needs the local control plane and simulated kubelet (restarting the apiserver, switching pod
/// behaviour on running pods); skipped, with the reason, on K3s or an existing cluster.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LocalControlPlaneFactAttribute : FactAttribute
{
    public LocalControlPlaneFactAttribute()
    {
        var selection = ClusterSelection.Current;
        if (selection.Kind != ClusterKind.LocalControlPlane)
        {
            Skip = $"needs the local control plane; this run uses {selection.Kind} ({selection.Reason})";
        }
    }
}
