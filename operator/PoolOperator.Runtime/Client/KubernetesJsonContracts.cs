using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using k8s;

namespace PoolOperator.Runtime.Client;

/// <summary>
/// Where KubernetesClient's serializer finds the contract of a type: generated serializers for the custom resources
/// and for the Kubernetes models the operator uses (<see cref="KubernetesModelsJsonContext"/>), then reflection for
/// anything else. A native executable carries only the generated serializers it was built with, and has
/// reflection-based serialization off by default so that nothing else uses it unnoticed.
/// </summary>
public static class KubernetesJsonContracts
{
    /// <summary>The given generated contracts, then the Kubernetes models', then reflection.</summary>
    public static IJsonTypeInfoResolver Resolver(params IJsonTypeInfoResolver[] customResources) =>
        GeneratedThenReflection([.. customResources, KubernetesModelsJsonContext.Default]);

    /// <summary>
    /// Makes KubernetesClient's serializer use <see cref="Resolver"/>. Call before the first request: once
    /// KubernetesClient has serialized, its options are read-only and this changes nothing.
    /// </summary>
    public static void Use(params IJsonTypeInfoResolver[] customResources)
    {
        var resolver = Resolver(customResources);
        KubernetesJson.AddJsonOptions(options =>
        {
            if (!options.IsReadOnly)
            {
                options.TypeInfoResolver = resolver;
            }
        });
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The native build keeps every member of the Kubernetes models and of the operator's own assemblies (TrimmerRootDescriptor and TrimmerRootAssembly in PoolOperator.csproj).")]
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = "Reflection-based serialization without generated code: the serializer falls back to reflection when dynamic code is not supported.")]
    private static IJsonTypeInfoResolver GeneratedThenReflection(IJsonTypeInfoResolver[] generated) =>
        JsonTypeInfoResolver.Combine([.. generated, new DefaultJsonTypeInfoResolver()]);
}
