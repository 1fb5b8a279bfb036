namespace PoolOperator.Client;

/// <summary>The metric label values of <see cref="DifferenceKind"/>.</summary>
public static class DifferenceKindNames
{
    /// <summary>The label used for a comparison that matched.</summary>
    public const string None = "none";

    /// <summary>Returns the snake_case label, e.g. <c>error_vs_success</c>.</summary>
    public static string ToLabel(this DifferenceKind kind) => kind switch
    {
        DifferenceKind.ErrorVsSuccess => "error_vs_success",
        DifferenceKind.ExceptionType => "exception_type",
        DifferenceKind.Timeout => "timeout",
        DifferenceKind.Type => "type",
        DifferenceKind.Missing => "missing",
        DifferenceKind.Extra => "extra",
        DifferenceKind.Value => "value",
        _ => "unknown",
    };
}
