using k8s;
using PoolOperator.LocalCluster;
using Xunit;

namespace PoolOperator.Client.Tests;

/// <summary>One real kube-apiserver for the Kubernetes flags source tests, started on 127.0.0.1 and stopped after.</summary>
public sealed class KubernetesApiFixture : IAsyncLifetime
{
    private LocalControlPlane? controlPlane;
    private Kubernetes? client;

    public IKubernetes Client => client ?? throw new InvalidOperationException("the API is not started");

    public async Task InitializeAsync()
    {
        var kubeconfig = Environment.GetEnvironmentVariable("POOLOPERATOR_TEST_KUBECONFIG");
        if (ControlPlaneBinaries.TryFindExisting() is { } binaries)
        {
            controlPlane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions { Binaries = binaries });
            client = new Kubernetes(controlPlane.AdminConfig);
        }
        else if (!string.IsNullOrEmpty(kubeconfig))
        {
            client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        }
    }

    public async Task DisposeAsync()
    {
        client?.Dispose();
        if (controlPlane is not null)
        {
            await controlPlane.DisposeAsync();
        }
    }
}
