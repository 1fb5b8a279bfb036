using System.Net.Http.Headers;

namespace PoolOperator.Analysis;

/// <summary>Credentials of one check, and the secret strings that must never leave the operator.</summary>
internal sealed class ResolvedCredentials(AuthenticationHeaderValue? authorization, CaBundle? ca, IReadOnlyList<string> secretValues)
{
    // Shorter values cannot be masked without mangling ordinary words and numbers in messages.
    private const int MinimumRedactedLength = 4;

    public static ResolvedCredentials None { get; } = new(null, null, []);

    public AuthenticationHeaderValue? Authorization { get; } = authorization;

    public CaBundle? Ca { get; } = ca;

    /// <summary>Masks every secret value in a text that may come from a server, an exception or a proxy echoing headers.</summary>
    public string Redact(string text)
    {
        foreach (var secret in secretValues)
        {
            if (secret.Length >= MinimumRedactedLength)
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
