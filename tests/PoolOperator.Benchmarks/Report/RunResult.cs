using System.Text.Json.Serialization;

namespace PoolOperator.Benchmarks.Report;

/// <summary>The figures of one labelled run at one scale; a later run with the same label and scale updates it.</summary>
internal sealed class RunResult
{
    [JsonPropertyName("label")]
    public required string Label { get; init; }

    [JsonPropertyName("migrations")]
    public required int Migrations { get; init; }

    [JsonPropertyName("date")]
    public string Date { get; set; } = "";

    [JsonPropertyName("machine")]
    public string Machine { get; set; } = "";

    [JsonPropertyName("operator")]
    public string Operator { get; set; } = "";

    [JsonPropertyName("command")]
    public string Command { get; set; } = "";

    [JsonPropertyName("figures")]
    public SortedDictionary<string, double> Figures { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Per section, requests by verb and resource (per migration, per minute where the section says so).</summary>
    [JsonPropertyName("breakdowns")]
    public SortedDictionary<string, SortedDictionary<string, double>> Breakdowns { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("notes")]
    public List<string> Notes { get; init; } = [];

    public string Column => $"{Label}, {Migrations:N0}";

    /// <summary>Takes the newer run's metadata, figures and breakdowns; keeps what the newer run did not measure.</summary>
    public void MergeFrom(RunResult newer)
    {
        Date = newer.Date;
        Machine = newer.Machine;
        Operator = newer.Operator;
        Command = newer.Command;
        foreach (var (id, value) in newer.Figures)
        {
            Figures[id] = value;
        }

        foreach (var (section, rows) in newer.Breakdowns)
        {
            Breakdowns[section] = rows;
        }

        Notes.Clear();
        Notes.AddRange(newer.Notes);
    }
}
