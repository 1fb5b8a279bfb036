using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace PoolOperator.IntegrationTests.Infrastructure;

/// <summary>Creates or replaces every CustomResourceDefinition in <c>crds/*.yaml</c> and waits until each is Established.</summary>
internal static class CrdInstaller
{
    public static async Task<IReadOnlyList<string>> InstallAsync(IKubernetes client, string crdDirectory, Func<Func<Task<bool>>, TimeSpan, string, Task> waitFor)
    {
        if (!Directory.Exists(crdDirectory))
        {
            return [];
        }

        var files = Directory.EnumerateFiles(crdDirectory, "*.yaml")
            .Concat(Directory.EnumerateFiles(crdDirectory, "*.yml"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var installed = new List<string>();
        foreach (var file in files)
        {
            var objects = KubernetesYaml.LoadAllFromString(await File.ReadAllTextAsync(file).ConfigureAwait(false));
            foreach (var item in objects)
            {
                if (item is not V1CustomResourceDefinition crd)
                {
                    throw new InvalidOperationException(
                        $"{file} holds a {item?.GetType().Name ?? "null"}; only apiextensions.k8s.io/v1 CustomResourceDefinitions belong in crds/");
                }

                await CreateOrReplaceAsync(client, crd).ConfigureAwait(false);
                installed.Add(crd.Name());
            }
        }

        foreach (var name in installed)
        {
            await waitFor(
                async () =>
                {
                    var crd = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name).ConfigureAwait(false);
                    return crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true;
                },
                TimeSpan.FromSeconds(30),
                $"CustomResourceDefinition {name} to be Established").ConfigureAwait(false);
        }

        return installed;
    }

    private static async Task CreateOrReplaceAsync(IKubernetes client, V1CustomResourceDefinition crd)
    {
        try
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            var existing = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Name()).ConfigureAwait(false);
            crd.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
            await client.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(crd, crd.Name()).ConfigureAwait(false);
        }
    }
}
