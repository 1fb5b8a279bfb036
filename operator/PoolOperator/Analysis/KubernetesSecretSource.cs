using System.Net;
using k8s;
using k8s.Autorest;

namespace PoolOperator.Analysis;

internal sealed class KubernetesSecretSource(IKubernetes kubernetes) : ISecretSource
{
    public async Task<IReadOnlyDictionary<string, byte[]>?> GetSecretDataAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await kubernetes.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return secret.Data is null ? new Dictionary<string, byte[]>() : new Dictionary<string, byte[]>(secret.Data);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyDictionary<string, string>?> GetConfigMapDataAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            var configMap = await kubernetes.CoreV1.ReadNamespacedConfigMapAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return configMap.Data is null ? new Dictionary<string, string>() : new Dictionary<string, string>(configMap.Data);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
