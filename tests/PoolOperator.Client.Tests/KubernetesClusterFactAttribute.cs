using PoolOperator.LocalCluster;
using Xunit;

namespace PoolOperator.Client.Tests;

/// <summary>
/// A test against a real kube-apiserver: the local control plane when its binaries are on this machine
/// (tests/run.sh provides them), else the cluster in <c>POOLOPERATOR_TEST_KUBECONFIG</c>; skipped, saying why,
/// when neither is there.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KubernetesClusterFactAttribute : FactAttribute
{
    public KubernetesClusterFactAttribute()
    {
        if (ControlPlaneBinaries.TryFindExisting() is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POOLOPERATOR_TEST_KUBECONFIG")))
        {
            Skip = $"no kube-apiserver: neither control-plane binaries ($KUBEBUILDER_ASSETS or {ControlPlaneBinaries.CacheDirectory}) nor POOLOPERATOR_TEST_KUBECONFIG; tests/run.sh provides the binaries";
        }
    }
}
