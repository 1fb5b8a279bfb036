namespace PoolOperator.Analysis;

/// <summary>Either the credentials of a check or why they could not be read (names only, never values).</summary>
internal sealed record CredentialResolution(ResolvedCredentials? Credentials, string? Problem)
{
    public static CredentialResolution Resolved(ResolvedCredentials credentials) => new(credentials, null);

    public static CredentialResolution Failed(string problem) => new(null, problem);
}
