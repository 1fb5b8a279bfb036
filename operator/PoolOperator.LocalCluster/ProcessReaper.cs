using System.Collections.Concurrent;

namespace PoolOperator.LocalCluster;

/// <summary>
/// Kills every <see cref="ManagedProcess"/> still running when this process exits normally, so a test
/// host that ends without disposing its fixtures leaves no etcd or apiserver behind.
/// </summary>
internal static class ProcessReaper
{
    private static readonly ConcurrentDictionary<ManagedProcess, byte> Running = new();
    private static int hooked;

    public static void Register(ManagedProcess process)
    {
        if (Interlocked.Exchange(ref hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        }

        Running.TryAdd(process, 0);
    }

    public static void Unregister(ManagedProcess process) => Running.TryRemove(process, out _);

    private static void KillAll()
    {
        foreach (var process in Running.Keys)
        {
            process.KillNow();
        }
    }
}
