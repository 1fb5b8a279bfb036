namespace PoolOperator.Kubectl.Planning;

internal enum Severity
{
    Ok,
    Warning,
    Blocking,
}
