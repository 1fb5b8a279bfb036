using k8s;
using k8s.Models;

namespace PoolOperator.IntegrationTests.Chart;

/// <summary>A rendered object the client has no model for (a ServiceMonitor, a policy/v1beta1 budget): kind and metadata.</summary>
internal sealed class KubernetesObjectWithMetadata : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();
}
