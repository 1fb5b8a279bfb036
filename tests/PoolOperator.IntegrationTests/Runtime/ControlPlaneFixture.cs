using k8s;
using k8s.Models;
using Xunit;

namespace PoolOperator.IntegrationTests.Runtime;

/// <summary>One control plane shared by the runtime's integration tests, with a test custom resource installed.</summary>
public sealed class ControlPlaneFixture : IAsyncLifetime
{
    private LocalControlPlane? _plane;

    internal KubernetesClientConfiguration Configuration => _plane!.Configuration;

    internal IKubernetes Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _plane = await LocalControlPlane.StartAsync();
        Client = new Kubernetes(_plane.Configuration);
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Widget.Definition());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var crd = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync($"{Widget.Plural}.{Widget.Group}");
            if (crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the Widget CRD was not established in 30 s");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_plane is not null)
        {
            await _plane.DisposeAsync();
        }
    }

    /// <summary>Creates a fresh namespace (with its default ServiceAccount, as no controller-manager runs) for one test.</summary>
    internal async Task<string> NewNamespaceAsync()
    {
        var name = $"rt-{Guid.NewGuid():N}"[..20];
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        await Client.CoreV1.CreateNamespacedServiceAccountAsync(
            new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "default" } },
            name);
        return name;
    }
}
