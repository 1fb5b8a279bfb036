namespace PoolOperator.Runtime;

/// <summary>Defaults of the operator runtime, some of which depend on where it runs (in a pod or on a workstation).</summary>
public static class RuntimeDefaults
{
    /// <summary>
    /// The operator's name towards the apiserver: the component of its Events, its server-side apply field manager and
    /// the manager in app.kubernetes.io/managed-by of what it creates.
    /// </summary>
    public const string ComponentName = "pool-operator";

    private const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    private static readonly Lazy<string> RandomIdentity = new(() =>
    {
        var name = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName;
        var identity = $"{name}_{Guid.NewGuid():N}";
        return identity.Length <= 128 ? identity : identity[^128..];
    });

    /// <summary>POD_NAMESPACE, else the namespace of the mounted service account, else "default".</summary>
    internal static string PodNamespace()
    {
        if (Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        try
        {
            if (File.Exists(ServiceAccountNamespaceFile))
            {
                var fromFile = File.ReadAllText(ServiceAccountNamespaceFile).Trim();
                if (fromFile.Length > 0)
                {
                    return fromFile;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return "default";
    }

    /// <summary>A process-unique identity: the pod (or host) name plus a random suffix, as client-go does.</summary>
    internal static string Identity() => RandomIdentity.Value;
}
