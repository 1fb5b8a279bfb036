using k8s;

namespace PoolOperator.Hosting;

internal static class KubeconfigSelection
{
    /// <summary>
    /// <c>--kubeconfig</c> when given, else in-cluster when running in a pod, else $KUBECONFIG or ~/.kube/config.
    /// Null when none of these exists.
    /// </summary>
    public static KubernetesClientConfiguration? Resolve(string? kubeconfigPath)
    {
        if (kubeconfigPath is not null)
        {
            return File.Exists(kubeconfigPath)
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath)
                : throw new FileNotFoundException($"--kubeconfig: file {kubeconfigPath} does not exist", kubeconfigPath);
        }

        if (KubernetesClientConfiguration.IsInCluster())
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }

        var candidates = (Environment.GetEnvironmentVariable("KUBECONFIG") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config"));
        var found = candidates.FirstOrDefault(File.Exists);
        return found is null ? null : KubernetesClientConfiguration.BuildConfigFromConfigFile(found);
    }
}
