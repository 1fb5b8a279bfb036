using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace PoolOperator.LocalCluster;

/// <summary>Client configurations that act as a ServiceAccount, to prove what its RBAC really allows.</summary>
public static class ServiceAccountCredentials
{
    /// <summary>
    /// Creates the ServiceAccount when it does not exist, requests a token for it (TokenRequest API) and
    /// returns a configuration for the same server as <paramref name="clusterConfig"/> that uses that token.
    /// </summary>
    public static async Task<KubernetesClientConfiguration> CreateConfigAsync(
        IKubernetes adminClient,
        KubernetesClientConfiguration clusterConfig,
        string namespaceName,
        string serviceAccountName,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(adminClient);
        ArgumentNullException.ThrowIfNull(clusterConfig);
        try
        {
            await adminClient.CoreV1.CreateNamespacedServiceAccountAsync(
                new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = serviceAccountName, NamespaceProperty = namespaceName } },
                namespaceName,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Already there: a token for the existing account is what the caller wants.
        }

        var request = new Authenticationv1TokenRequest
        {
            Spec = new V1TokenRequestSpec { ExpirationSeconds = 3600, Audiences = [] },
        };
        var token = await adminClient.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            request, serviceAccountName, namespaceName, cancellationToken: cancellationToken).ConfigureAwait(false);

        return new KubernetesClientConfiguration
        {
            Host = clusterConfig.Host,
            SslCaCerts = clusterConfig.SslCaCerts,
            SkipTlsVerify = clusterConfig.SkipTlsVerify,
            TlsServerName = clusterConfig.TlsServerName,
            AccessToken = token.Status.Token,
        };
    }
}
