using System.Text;

namespace PoolOperator.LocalCluster;

internal static class Kubeconfig
{
    public static string Render(string contextName, Uri server, string caPem, string userName, string token)
    {
        var caData = Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem));
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {contextName}
              cluster:
                server: {server.ToString().TrimEnd('/')}
                certificate-authority-data: {caData}
            users:
            - name: {userName}
              user:
                token: {token}
            contexts:
            - name: {contextName}
              context:
                cluster: {contextName}
                user: {userName}
            current-context: {contextName}

            """;
    }

    public static void Write(string path, string content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
