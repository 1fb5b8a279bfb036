namespace PoolOperator.Core;

/// <summary>
/// Publish the flag state; when <see cref="RestoreRolloutJson"/> is set, put back that exact pre-migration value.
/// </summary>
internal sealed record PublishFlags(
    string ConfigMap,
    int V2Percent,
    int ShadowPercent,
    string Phase,
    IReadOnlyDictionary<string, string> Overrides,
    string? RestoreRolloutJson) : MigrationAction;
