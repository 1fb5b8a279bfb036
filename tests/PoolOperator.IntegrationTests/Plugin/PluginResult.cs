namespace PoolOperator.IntegrationTests.Plugin;

internal sealed record PluginResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
