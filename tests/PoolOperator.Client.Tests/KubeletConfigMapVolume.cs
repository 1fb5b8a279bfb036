using System.Globalization;
using System.Runtime.InteropServices;

namespace PoolOperator.Client.Tests;

/// <summary>
/// A ConfigMap volume laid out and updated the way the kubelet's atomic writer does it: the data lives in a
/// timestamped directory, <c>..data</c> is a symlink to it, each key is a symlink through <c>..data</c>, and an
/// update writes a new timestamped directory, points a new <c>..data_tmp</c> symlink at it, renames that over
/// <c>..data</c> (one atomic rename(2)) and removes the old directory.
/// </summary>
internal sealed partial class KubeletConfigMapVolume : IDisposable
{
    private readonly string key;
    private int version;
    private string? current;

    public KubeletConfigMapVolume(string key = "rollout.json")
    {
        this.key = key;
        Directory = System.IO.Directory.CreateTempSubdirectory("poolmigration-flags-").FullName;
    }

    public string Directory { get; }

    public string KeyPath => Path.Combine(Directory, key);

    /// <summary>Publishes <paramref name="content"/> as the key's new value.</summary>
    public void Publish(string content)
    {
        version++;
        var timestamped = $"..2026_11_30_10_00_{version.ToString("00", CultureInfo.InvariantCulture)}.{Environment.ProcessId}{version}";
        var dataDirectory = Path.Combine(Directory, timestamped);
        System.IO.Directory.CreateDirectory(dataDirectory);
        File.WriteAllText(Path.Combine(dataDirectory, key), content);

        var temporaryLink = Path.Combine(Directory, "..data_tmp");
        File.CreateSymbolicLink(temporaryLink, timestamped);
        if (rename(temporaryLink, Path.Combine(Directory, "..data")) != 0)
        {
            throw new IOException($"rename(..data_tmp, ..data) failed with errno {Marshal.GetLastPInvokeError()}");
        }

        if (current is null)
        {
            File.CreateSymbolicLink(KeyPath, Path.Combine("..data", key));
        }
        else
        {
            System.IO.Directory.Delete(Path.Combine(Directory, current), recursive: true);
        }

        current = timestamped;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string oldPath, string newPath);
}
