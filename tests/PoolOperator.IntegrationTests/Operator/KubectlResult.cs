namespace PoolOperator.IntegrationTests.Operator;

internal sealed record KubectlResult(int ExitCode, string StandardOutput, string StandardError);
