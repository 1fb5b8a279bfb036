using System.Diagnostics.CodeAnalysis;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Serialization;

namespace PoolOperator.Runtime.Client;

/// <summary>
/// Reads a kubeconfig file. The client library's own reader builds a YAML type map of every Kubernetes model in a
/// static constructor that needs member metadata tokens, which a native (ahead-of-time compiled) build does not have;
/// the kubeconfig's own types carry their YAML names, so a plain deserializer reads them in either build.
/// </summary>
public static class KubeconfigFile
{
    private static readonly IDeserializer Reader = CreateReader();

    /// <summary>The configuration for <paramref name="context"/>, or the file's current context when null.</summary>
    public static KubernetesClientConfiguration Load(string path, string? context = null)
    {
        K8SConfiguration? parsed;
        try
        {
            parsed = Reader.Deserialize<K8SConfiguration>(File.ReadAllText(path));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new KubeConfigException($"kubeconfig {path}: not valid YAML ({e.Start}): {e.Message}");
        }

        if (parsed is null)
        {
            throw new KubeConfigException($"kubeconfig {path} is empty");
        }

        parsed.FileName = path;
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(parsed, context);
    }

    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = "The kubeconfig types hold strings, lists and string maps only, which bind by reflection without generated code; the natively compiled operator keeps them whole (KubernetesModels.Descriptor.xml).")]
    private static IDeserializer CreateReader() => new DeserializerBuilder().IgnoreUnmatchedProperties().Build();
}
