using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Analysis;

/// <summary>The credential references a check may carry, all in the migration's namespace.</summary>
internal sealed record CredentialReferences(
    SecretKeyReference? BearerToken = null,
    LocalObjectReference? BasicAuth = null,
    SecretKeyReference? CaSecret = null,
    ConfigMapKeyReference? CaConfigMap = null)
{
    public static CredentialReferences None { get; } = new();

    public bool IsEmpty => BearerToken is null && BasicAuth is null && CaSecret is null && CaConfigMap is null;
}
