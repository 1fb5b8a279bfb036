using System.Text.Json;

namespace PoolOperator.Client;

/// <summary>What one side of a comparison did: returned a result (as JSON), threw, or timed out.</summary>
public sealed record CallOutcome
{
    private CallOutcome()
    {
    }

    /// <summary>The result as JSON, when the call succeeded.</summary>
    public JsonElement? Result { get; private init; }

    /// <summary>The exception's full type name, when the call threw.</summary>
    public string? ExceptionType { get; private init; }

    /// <summary>The exception's message, when the call threw (kept for inspection, never compared).</summary>
    public string? ExceptionMessage { get; private init; }

    /// <summary>True when the call did not finish within the shadow timeout.</summary>
    public bool TimedOut { get; private init; }

    /// <summary>True when the call returned a result.</summary>
    public bool Succeeded => Result is not null;

    /// <summary>A call that returned <paramref name="result"/>.</summary>
    public static CallOutcome Success(JsonElement result) => new() { Result = result.Clone() };

    /// <summary>A call that threw <paramref name="exception"/>.</summary>
    public static CallOutcome Failure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new() { ExceptionType = exception.GetType().FullName, ExceptionMessage = exception.Message };
    }

    /// <summary>A call that ran past the timeout.</summary>
    public static CallOutcome Timeout(TimeSpan after) =>
        new() { TimedOut = true, ExceptionType = typeof(TimeoutException).FullName, ExceptionMessage = $"no answer within {after.TotalMilliseconds:0} ms" };

    /// <summary>A short description: the JSON, the exception type, or <c>timeout</c>.</summary>
    public string Describe() => Result is { } result ? result.GetRawText() : TimedOut ? "timeout" : ExceptionType ?? "";
}
