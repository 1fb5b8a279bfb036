namespace PoolOperator.Kubectl.Planning;

/// <summary>One preflight result: what was checked (<paramref name="Subject"/>) and what was found.</summary>
internal sealed record Finding(Severity Severity, string Subject, string Message);
