namespace PoolOperator.Validation;

public sealed record ValidationError(string Field, string Message);
