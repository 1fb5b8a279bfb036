using System.Diagnostics;

namespace PoolOperator.IntegrationTests.Plugin;

/// <summary>
/// A detached tmux session on a server of its own (its own socket), running one command in a terminal of a fixed size,
/// so a test sees the screen a person would see (capture-pane). The pane stays after the command exits; the server
/// is killed on dispose.
/// </summary>
internal sealed class TmuxSession : IAsyncDisposable
{
    public const string Binary = "tmux";

    private readonly string socket = $"pooloperator-{Guid.NewGuid():N}";

    private TmuxSession()
    {
    }

    public static bool Available => RunSync("-V").ExitCode == 0;

    public static async Task<TmuxSession> StartAsync(IReadOnlyList<string> command, int width, int height)
    {
        var session = new TmuxSession();
        var shell = string.Join(' ', command.Select(Quote)) + "; echo \"exit code $?\"";
        var started = await session.TmuxAsync("-f", "/dev/null", "new-session", "-d", "-s", "watch", "-x", $"{width}", "-y", $"{height}", shell);
        if (started.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux new-session failed: {started.Output}");
        }

        await session.TmuxAsync("set-option", "-t", "watch", "remain-on-exit", "on");
        return session;
    }

    /// <summary>The visible screen, as plain text.</summary>
    public async Task<string> CaptureAsync() => (await TmuxAsync("capture-pane", "-p", "-t", "watch")).Output;

    public async ValueTask DisposeAsync() => await TmuxAsync("kill-server");

    private Task<(int ExitCode, string Output)> TmuxAsync(params string[] args) => Task.Run(() => RunSync(["-L", socket, .. args]));

    private static (int ExitCode, string Output) RunSync(params string[] args)
    {
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["TERM"] = "xterm-256color";
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
