using k8s;
using k8s.Exceptions;

namespace PoolOperator.Kubectl.Cluster;

/// <summary>A client for the cluster kubectl would talk to, and the namespace it would use.</summary>
internal sealed class ClusterConnection(IKubernetes client, string namespaceName) : IDisposable
{
    public IKubernetes Client => client;

    public string Namespace => namespaceName;

    public static ClusterConnection Open(ClusterOptions options)
    {
        var configuration = Configure(options);
        var namespaceName = options.Namespace ?? configuration.Namespace ?? "default";
        return new ClusterConnection(new Kubernetes(configuration), namespaceName);
    }

    public void Dispose() => (client as IDisposable)?.Dispose();

    private static KubernetesClientConfiguration Configure(ClusterOptions options)
    {
        var files = options.Kubeconfig is { } path
            ? [path]
            : (Environment.GetEnvironmentVariable("KUBECONFIG") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        if (files.Length == 0)
        {
            files = [Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")];
        }

        var existing = files.Where(File.Exists).Select(f => new FileInfo(f)).ToArray();
        if (existing.Length == 0)
        {
            if (options.Kubeconfig is null && KubernetesClientConfiguration.IsInCluster())
            {
                return KubernetesClientConfiguration.InClusterConfig();
            }

            throw new PluginException(ExitCodes.Error, $"no kubeconfig found (looked at {string.Join(", ", files)}); pass --kubeconfig or set KUBECONFIG");
        }

        try
        {
            // The first file that exists holds the context, as with the operator's own --kubeconfig selection.
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(existing[0], options.Context);
        }
        catch (KubeConfigException e)
        {
            throw new PluginException(ExitCodes.Error, $"kubeconfig: {e.Message}");
        }
    }
}
