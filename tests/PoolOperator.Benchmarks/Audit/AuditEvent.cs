namespace PoolOperator.Benchmarks.Audit;

/// <summary>One completed request as the apiserver's audit log recorded it.</summary>
internal sealed record AuditEvent(
    DateTimeOffset ReceivedAt,
    string Verb,
    string Resource,
    string? Subresource,
    string? Namespace,
    string? Name,
    int Code)
{
    /// <summary>Verb and resource, with the subresource after a slash: <c>update poolmigrations/status</c>.</summary>
    public string Key => Subresource is null ? $"{Verb} {Resource}" : $"{Verb} {Resource}/{Subresource}";

    public bool IsWrite => Verb is "create" or "update" or "patch" or "delete" or "deletecollection";

    public bool IsStatusWrite => IsWrite && Subresource == "status";
}
