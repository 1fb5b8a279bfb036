using k8s;
using k8s.Exceptions;
using PoolOperator.Api;
using PoolOperator.Runtime.Client;

namespace PoolOperator.Hosting;

/// <summary>The operator's commands: <c>run</c> (the operator), <c>crds</c> and <c>help</c>.</summary>
internal static class OperatorCommandLine
{
    private const string Usage = """
        Usage: pool-operator <command> [options]

        Commands:
          run    Run the operator against the cluster from --kubeconfig, in-cluster config, $KUBECONFIG or ~/.kube/config.
                 Settings: --Operator:Namespaces:0=<ns> (default all), --Operator:Qps=50, --Operator:Burst=100,
                 --Operator:MaxConcurrentReconciles=4, --Operator:LeaderElection=true|false,
                 --Operator:LeaseNamespace=<ns>, --Analysis:DefaultPrometheusAddress=<url>, --urls=http://127.0.0.1:8080
          crds   Print the CustomResourceDefinitions this build embeds and installs, as YAML documents
                 (kubectl apply -f <(pool-operator crds)).
          help   Show this text.

        To see a migration end to end without a cluster, run the demo from a source checkout; it starts a local
        control plane (etcd, kube-apiserver, kube-controller-manager and a simulated kubelet) and runs the operator
        against it: dotnet run --project operator/PoolOperator.Demo [-- --keep-running]
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        // Before anything serializes: the native executable carries only the operator's generated contracts.
        KubernetesJsonContracts.Use(CustomResourcesJsonContext.Default);
        var command = args.Length == 0 || args[0].StartsWith('-') ? "run" : args[0];
        var rest = args.Length == 0 || args[0].StartsWith('-') ? args : args[1..];
        switch (command)
        {
            case "run":
                return await RunOperatorAsync(rest).ConfigureAwait(false);
            case "crds":
                return await PrintCrdsAsync().ConfigureAwait(false);
            case "help" or "--help" or "-h":
                Console.WriteLine(Usage);
                return 0;
            default:
                await Console.Error.WriteLineAsync($"Unknown command '{command}'.\n\n{Usage}").ConfigureAwait(false);
                return 2;
        }
    }

    private static async Task<int> RunOperatorAsync(string[] args)
    {
        var (kubeconfig, remaining) = TakeOption(args, "--kubeconfig");
        KubernetesClientConfiguration? configuration;
        try
        {
            configuration = KubeconfigSelection.Resolve(kubeconfig);
        }
        catch (Exception e) when (e is FileNotFoundException or KubeConfigException)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 1;
        }

        if (configuration is null)
        {
            await Console.Error.WriteLineAsync(
                "No cluster configured: pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config. " +
                "To see the operator work without a cluster, run: dotnet run --project operator/PoolOperator.Demo").ConfigureAwait(false);
            return 1;
        }

        using var app = OperatorApplication.Build(remaining, configuration);
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> PrintCrdsAsync()
    {
        IReadOnlyList<(string FileName, string Yaml)> crds;
        try
        {
            crds = EmbeddedCrds.All();
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 1;
        }

        var first = true;
        foreach (var (_, yaml) in crds)
        {
            if (!first)
            {
                Console.WriteLine("---");
            }

            Console.Write(yaml.EndsWith('\n') ? yaml : yaml + "\n");
            first = false;
        }

        return 0;
    }

    internal static (string? Value, string[] Remaining) TakeOption(string[] args, string name)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == name && i + 1 < args.Length)
            {
                return (args[i + 1], [.. args[..i], .. args[(i + 2)..]]);
            }

            if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                return (args[i][(name.Length + 1)..], [.. args[..i], .. args[(i + 1)..]]);
            }
        }

        return (null, args);
    }
}
