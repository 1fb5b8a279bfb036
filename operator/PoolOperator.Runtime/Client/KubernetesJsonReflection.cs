using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using k8s;

namespace PoolOperator.Runtime.Client;

/// <summary>
/// KubernetesClient reads and writes its models, and custom resources, through System.Text.Json by reflection. A
/// natively compiled operator has reflection-based serialization off by default, so that nothing else uses it
/// unnoticed; this gives it back to KubernetesClient's serializer alone.
/// </summary>
public static class KubernetesJsonReflection
{
    /// <summary>Call before the first request; later calls, or calls after KubernetesClient has serialized, change nothing.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The native build keeps every member of the Kubernetes models and of the operator's own assemblies (TrimmerRootDescriptor and TrimmerRootAssembly in PoolOperator.csproj).")]
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = "Reflection-based serialization without generated code: the serializer falls back to reflection when dynamic code is not supported.")]
    public static void Enable() => KubernetesJson.AddJsonOptions(options =>
    {
        if (!options.IsReadOnly && options.TypeInfoResolver is null)
        {
            options.TypeInfoResolver = new DefaultJsonTypeInfoResolver();
        }
    });
}
