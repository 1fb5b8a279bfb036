using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoolOperator.Benchmarks.Report;

/// <summary>Every recorded run, kept as JSON next to the report so a rerun adds or updates one column.</summary>
internal sealed class ResultsFile
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [JsonPropertyName("runs")]
    public List<RunResult> Runs { get; init; } = [];

    public static ResultsFile Load(string path) =>
        File.Exists(path)
            ? JsonSerializer.Deserialize<ResultsFile>(File.ReadAllText(path), Json) ?? new ResultsFile()
            : new ResultsFile();

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    public void Record(RunResult run)
    {
        var existing = Runs.FirstOrDefault(r => r.Label == run.Label && r.Migrations == run.Migrations);
        if (existing is null)
        {
            Runs.Add(run);
        }
        else
        {
            existing.MergeFrom(run);
        }
    }

    /// <summary>Columns in the order labels first appeared, then by scale.</summary>
    public IReadOnlyList<RunResult> Columns()
    {
        var labels = Runs.Select(r => r.Label).Distinct(StringComparer.Ordinal).ToList();
        return Runs.OrderBy(r => labels.IndexOf(r.Label)).ThenBy(r => r.Migrations).ToList();
    }
}
