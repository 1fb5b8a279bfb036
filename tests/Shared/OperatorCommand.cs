namespace PoolOperator.Tests.Shared;

/// <summary>
/// The command that starts the operator in a test harness: the natively compiled executable the image ships, or a
/// build output (<c>pool-operator.dll</c>) run by <c>dotnet</c>.
/// </summary>
internal static class OperatorCommand
{
    /// <summary>
    /// Names the image's executable for the integration tests that run the operator as its own process; unset, they
    /// run the build output they reference. CI sets it after the image build.
    /// </summary>
    public const string ExecutableVariable = "POOLOPERATOR_OPERATOR_EXECUTABLE";

    /// <summary>The program and its leading arguments for an executable or a <c>.dll</c>.</summary>
    public static string[] For(string operatorPath) =>
        operatorPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ["dotnet", operatorPath] : [operatorPath];

    /// <summary>The executable <see cref="ExecutableVariable"/> names, else <paramref name="buildOutput"/>.</summary>
    public static string FromEnvironmentOr(string buildOutput) =>
        Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } executable ? executable : buildOutput;
}
