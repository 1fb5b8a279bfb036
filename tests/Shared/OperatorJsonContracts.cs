using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using PoolOperator.Api;
using PoolOperator.Runtime.Client;

namespace PoolOperator.Tests.Shared;

/// <summary>
/// Tests serialize Kubernetes objects and custom resources with the generated contracts the shipped operator uses, so
/// that an operator started inside a test reads and writes exactly as <c>pool-operator run</c> does.
/// </summary>
internal static class OperatorJsonContracts
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "A test assembly: KubernetesClient's serializer must be configured before any test uses it.")]
    internal static void Use() => KubernetesJsonContracts.Use(CustomResourcesJsonContext.Default);
}
