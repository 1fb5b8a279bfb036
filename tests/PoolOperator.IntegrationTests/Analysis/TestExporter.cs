using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>Serves /metrics in the Prometheus text format with series the test sets.</summary>
internal sealed class TestExporter : IAsyncDisposable
{
    public const string GenerationMetric = "test_exporter_generation";

    private readonly ConcurrentDictionary<string, double> series = new(StringComparer.Ordinal);
    private LocalHttpServer? server;
    private long generation;

    public Uri Address => server!.Address;

    public long Generation => Interlocked.Read(ref generation);

    public static async Task<TestExporter> StartAsync()
    {
        var exporter = new TestExporter();
        exporter.server = await LocalHttpServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4";
            await context.Response.WriteAsync(exporter.Render());
        });
        return exporter;
    }

    /// <summary>Sets one sample, e.g. <c>Set("test_error_ratio", "version=\"v2\"", 0.01)</c>.</summary>
    public void Set(string name, string labels, double value) => series[$"{name}{{{labels}}}"] = value;

    /// <summary>Sets a cumulative histogram (<c>_bucket</c>, <c>_sum</c>, <c>_count</c>) from raw observations.</summary>
    public void SetHistogram(string name, string labels, IReadOnlyList<double> bounds, IReadOnlyList<double> observations)
    {
        foreach (var bound in bounds)
        {
            Set($"{name}_bucket", $"{labels},le=\"{bound.ToString(CultureInfo.InvariantCulture)}\"", observations.Count(o => o <= bound));
        }

        Set($"{name}_bucket", $"{labels},le=\"+Inf\"", observations.Count);
        Set($"{name}_sum", labels, observations.Sum());
        Set($"{name}_count", labels, observations.Count);
    }

    /// <summary>Marks the current state so a test can wait until Prometheus has scraped it.</summary>
    public long NextGeneration() => Interlocked.Increment(ref generation);

    public ValueTask DisposeAsync() => server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private string Render()
    {
        var text = new StringBuilder();
        foreach (var (key, value) in series)
        {
            text.Append(key).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append(GenerationMetric).Append(' ').Append(Generation.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }
}
