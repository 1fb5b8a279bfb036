using PoolOperator.Benchmarks.Report;
using Xunit;

namespace PoolOperator.UnitTests.Benchmarks;

public sealed class MarkdownReportTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("benchmark-report-").FullName;

    [Fact]
    public void A_column_recorded_before_a_figure_existed_shows_a_dash_beside_one_that_has_it()
    {
        var results = new ResultsFile();
        results.Record(new RunResult { Label = "before", Migrations = 100, Figures = { [Figures.WatchP99] = 20 } });
        results.Record(new RunResult
        {
            Label = "peer",
            Migrations = 100,
            Figures = { [Figures.WatchP99] = 20, [Figures.LatencyP99] = 50, [Figures.LatencyFloorRatio] = 2.5 },
            Breakdowns = { ["latency.perReconcile"] = new(StringComparer.Ordinal) { ["create"] = 0.5 } },
        });
        var path = Path.Combine(directory, "benchmarks.md");

        MarkdownReport.Write(path, results);

        var lines = File.ReadAllLines(path);
        Assert.Contains("| Pause or resume annotation → status showing it seen by a watch, p99 | – | – | 50.0 ms |", lines);
        Assert.Contains("| Change → status p99 ÷ the floor's write → watch event p99 | ≤ 3× | – | 2.5× ✓ |", lines);
        Assert.Contains("| `create` | – | 0.5 |", lines);
    }

    [Fact]
    public void The_hand_written_findings_survive_a_regeneration()
    {
        var path = Path.Combine(directory, "benchmarks.md");
        File.WriteAllText(path, $"old figures\n{MarkdownReport.FindingsMarker}\n\n## What the figures showed\n\nkept\n");

        MarkdownReport.Write(path, new ResultsFile());

        var text = File.ReadAllText(path);
        Assert.DoesNotContain("old figures", text, StringComparison.Ordinal);
        Assert.EndsWith($"{MarkdownReport.FindingsMarker}\n\n## What the figures showed\n\nkept\n", text, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
