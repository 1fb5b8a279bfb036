namespace PoolOperator.Client;

/// <summary>How reading the flags document is going.</summary>
/// <param name="Source">Where the document is read from, e.g. the file path or <c>configmap ns/name</c>.</param>
/// <param name="HasDocument">True once a valid document was read; until then every session goes to V1.</param>
/// <param name="LastReadValid">True when the latest read gave a valid document.</param>
/// <param name="Problem">What is wrong with the latest read, when it was not valid.</param>
/// <param name="LastAppliedAt">When the document in use was read.</param>
public sealed record FlagsStatus(string Source, bool HasDocument, bool LastReadValid, string? Problem, DateTimeOffset? LastAppliedAt);
