namespace PoolOperator.IntegrationTests.Infrastructure;

/// <summary>Which Kubernetes the integration tests run against.</summary>
public enum ClusterKind
{
    /// <summary>The cluster of the kubeconfig named by <c>POOLOPERATOR_TEST_KUBECONFIG</c>.</summary>
    Existing,

    /// <summary>A K3s container started with Testcontainers (needs a Docker daemon).</summary>
    K3s,

    /// <summary>etcd, kube-apiserver and kube-controller-manager as local processes, plus the simulated kubelet.</summary>
    LocalControlPlane,
}
