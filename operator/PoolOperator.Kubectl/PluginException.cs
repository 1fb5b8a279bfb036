namespace PoolOperator.Kubectl;

/// <summary>Ends a command with a message for the person and the exit code for the script.</summary>
internal sealed class PluginException(int exitCode, string message) : Exception(message)
{
    public int ExitCode => exitCode;
}
