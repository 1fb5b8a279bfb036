namespace SdkApp;

/// <summary>Reads <c>SDK_APP_V2_MODE</c>.</summary>
internal static class V2Modes
{
    public static V2Mode Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "same" => V2Mode.Same,
        "diverge" => V2Mode.Diverge,
        "fail" => V2Mode.Fail,
        _ => throw new InvalidOperationException($"SDK_APP_V2_MODE must be same, diverge or fail, got '{value}'"),
    };
}
