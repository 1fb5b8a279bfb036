using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace PoolOperator.Hosting;

/// <summary>Installs the CRDs shipped inside the operator assembly (the files of crds/) and waits until they are served.</summary>
internal static class CrdInstaller
{
    public static async Task InstallAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        foreach (var (_, yaml) in EmbeddedCrds.All())
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(yaml);
            try
            {
                await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                var existing = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Name(), cancellationToken: cancellationToken).ConfigureAwait(false);
                crd.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
                await client.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(crd, crd.Name(), cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            while (true)
            {
                var current = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Name(), cancellationToken: cancellationToken).ConfigureAwait(false);
                if (current.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
