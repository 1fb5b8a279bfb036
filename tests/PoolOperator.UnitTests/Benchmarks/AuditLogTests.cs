using PoolOperator.Benchmarks.Audit;
using Xunit;

namespace PoolOperator.UnitTests.Benchmarks;

public sealed class AuditLogTests : IDisposable
{
    private static readonly DateTimeOffset WindowStart = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly string path = Path.Combine(Path.GetTempPath(), $"audit-{Guid.NewGuid():N}.log");

    [Fact]
    public async Task Counts_each_completed_request_of_the_audited_user_inside_the_window_once()
    {
        await File.WriteAllLinesAsync(path,
        [
            Event("ResponseStarted", "operator", "watch", "deployments", null, WindowStart.AddSeconds(1)),
            Event("ResponseComplete", "operator", "get", "poolmigrations", null, WindowStart.AddSeconds(1)),
            Event("ResponseComplete", "operator", "update", "poolmigrations", "status", WindowStart.AddSeconds(2)),
            Event("ResponseComplete", "admin", "update", "poolmigrations", "status", WindowStart.AddSeconds(3)),
            Event("ResponseComplete", "operator", "list", "pods", null, WindowStart.AddSeconds(-1)),
            Event("ResponseComplete", "operator", "patch", "deployments", null, WindowStart.AddSeconds(60)),
        ]);
        var log = new AuditLog(path, "operator", TimeProvider.System);

        var events = await log.BetweenAsync(WindowStart, WindowStart.AddSeconds(60), CancellationToken.None);

        Assert.Equal(["get poolmigrations", "update poolmigrations/status"], events.Select(e => e.Key));
        Assert.Equal([false, true], events.Select(e => e.IsStatusWrite));
    }

    [Fact]
    public async Task A_line_still_being_written_counts_once_it_is_complete()
    {
        var line = Event("ResponseComplete", "operator", "patch", "deployments", null, WindowStart.AddSeconds(5));
        await File.WriteAllTextAsync(path, line[..40]);
        var log = new AuditLog(path, "operator", TimeProvider.System);

        Assert.Empty(await log.BetweenAsync(WindowStart, WindowStart.AddSeconds(60), CancellationToken.None));

        await File.AppendAllTextAsync(path, line[40..] + "\n");
        var events = await log.BetweenAsync(WindowStart, WindowStart.AddSeconds(60), CancellationToken.None);
        Assert.Equal("patch deployments", Assert.Single(events).Key);
        Assert.True(events[0].IsWrite);
    }

    public void Dispose() => File.Delete(path);

    private static string Event(string stage, string user, string verb, string resource, string? subresource, DateTimeOffset received)
    {
        var sub = subresource is null ? "" : $",\"subresource\":\"{subresource}\"";
        return $$"""{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","stage":"{{stage}}","verb":"{{verb}}","user":{"username":"{{user}}","groups":["system:masters"]},"objectRef":{"resource":"{{resource}}","namespace":"bench","name":"pool-0001"{{sub}}},"responseStatus":{"code":200},"requestReceivedTimestamp":"{{received.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffffZ}}","stageTimestamp":"{{received.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffffZ}}"}""";
    }
}
