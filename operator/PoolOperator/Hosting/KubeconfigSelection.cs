using k8s;
using PoolOperator.Runtime.Client;

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
                ? KubeconfigFile.Load(kubeconfigPath)
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
        return found is null ? null : KubeconfigFile.Load(found);
    }
}
