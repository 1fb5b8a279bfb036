namespace PoolOperator.Client;

/// <summary>The wire names of <see cref="Pool"/> (<c>v1</c>, <c>v2</c>) used in the flags document, the environment and metrics.</summary>
public static class PoolNames
{
    /// <summary>The wire name of <see cref="Pool.V1"/>.</summary>
    public const string V1 = "v1";

    /// <summary>The wire name of <see cref="Pool.V2"/>.</summary>
    public const string V2 = "v2";

    /// <summary>Returns <c>v1</c> or <c>v2</c>.</summary>
    public static string ToWireName(this Pool pool) => pool == Pool.V2 ? V2 : V1;

    /// <summary>Parses <c>v1</c> or <c>v2</c> (any case, surrounding spaces ignored).</summary>
    public static bool TryParse(string? value, out Pool pool)
    {
        var trimmed = value.AsSpan().Trim();
        if (trimmed.Equals(V1, StringComparison.OrdinalIgnoreCase))
        {
            pool = Pool.V1;
            return true;
        }

        if (trimmed.Equals(V2, StringComparison.OrdinalIgnoreCase))
        {
            pool = Pool.V2;
            return true;
        }

        pool = Pool.V1;
        return false;
    }
}
