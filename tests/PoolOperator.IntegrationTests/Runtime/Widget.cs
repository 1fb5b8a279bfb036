using System.Net;
using System.Text.Json.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.IntegrationTests.Infrastructure;

namespace PoolOperator.IntegrationTests.Runtime;

/// <summary>A minimal namespaced custom resource the runtime tests list and watch.</summary>
public sealed class Widget : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "runtime.test.pooloperator.io";
    public const string Version = "v1";
    public const string Plural = "widgets";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Group}/{Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Widget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public WidgetSpec Spec { get; set; } = new();

    public static Widget New(string name, string deployment = "none") =>
        new() { Metadata = new V1ObjectMeta { Name = name }, Spec = new WidgetSpec { Deployment = deployment } };

    /// <summary>Installs the Widget CRD on the shared cluster (once; later calls find it) and waits until it is served.</summary>
    public static async Task InstallAsync(ClusterFixture cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var name = $"{Plural}.{Group}";
        try
        {
            await cluster.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Definition()).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
        }

        await cluster.WaitForAsync(
            async () => (await cluster.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name).ConfigureAwait(false))
                .Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true,
            TimeSpan.FromSeconds(30),
            $"CRD {name} to be established").ConfigureAwait(false);
    }

    public static V1CustomResourceDefinition Definition() => new()
    {
        Metadata = new V1ObjectMeta { Name = $"{Plural}.{Group}" },
        Spec = new V1CustomResourceDefinitionSpec
        {
            Group = Group,
            Scope = "Namespaced",
            Names = new V1CustomResourceDefinitionNames { Kind = "Widget", ListKind = "WidgetList", Plural = Plural, Singular = "widget" },
            Versions =
            [
                new V1CustomResourceDefinitionVersion
                {
                    Name = Version,
                    Served = true,
                    Storage = true,
                    Schema = new V1CustomResourceValidation
                    {
                        OpenAPIV3Schema = new V1JSONSchemaProps
                        {
                            Type = "object",
                            Properties = new Dictionary<string, V1JSONSchemaProps>
                            {
                                ["spec"] = new()
                                {
                                    Type = "object",
                                    Properties = new Dictionary<string, V1JSONSchemaProps> { ["deployment"] = new() { Type = "string" } },
                                },
                            },
                        },
                    },
                },
            ],
        },
    };
}
