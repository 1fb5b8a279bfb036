namespace PoolOperator.Client.Tests;

/// <summary>Flags documents in the shape the operator publishes.</summary>
internal static class Documents
{
    public static string Rollout(int v2Percent, int shadowPercent = 0, string phase = "Progressing", string overrides = "{}", long generation = 1) =>
        $$"""{"migration":"shop/session-pool","generation":{{generation}},"v2Percent":{{v2Percent}},"shadowPercent":{{shadowPercent}},"phase":"{{phase}}","overrides":{{overrides}},"updatedAt":"2026-11-30T10:00:00Z"}""";

    public static PoolMigrationClient Client(Action<PoolMigrationOptions>? configure = null, TimeProvider? time = null, Microsoft.Extensions.Logging.ILoggerFactory? logs = null)
    {
        var options = new PoolMigrationOptions { Source = FlagsSourceKind.None, ForceEnvironmentVariable = "" };
        configure?.Invoke(options);
        return new PoolMigrationClient(options, logs, time);
    }
}
