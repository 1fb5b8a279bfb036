using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PoolOperator.Kubectl.Views;

namespace PoolOperator.Kubectl.Reporting;

internal static class ReportFormats
{
    public static readonly IReadOnlyList<string> Names = ["markdown", "json"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string ToJson(MigrationReport report) => JsonSerializer.Serialize(report, Json);

    public static string ToMarkdown(MigrationReport report)
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"# Migration report: {report.Namespace}/{report.Migration}").AppendLine();
        md.AppendLine(c, $"Generated {Time(report.GeneratedAt)}.").AppendLine();
        md.AppendLine("## Final state").AppendLine();
        var f = report.Final;
        md.AppendLine(c, $"- Phase: **{f.Phase}**{(f.CompletedAt is { } done ? $" at {Time(done)}" : "")}");
        md.AppendLine(c, $"- Stage: {f.Stage ?? "-"}, weight {f.Weight}% on V2");
        md.AppendLine(c, $"- V1 ready {f.V1}, V2 ready {f.V2}");
        if (!string.IsNullOrEmpty(f.Message))
        {
            md.AppendLine(c, $"- {f.Message}");
        }

        foreach (var run in report.Runs)
        {
            md.AppendLine().AppendLine(c, $"## Run {run.Run}: {run.Outcome}").AppendLine();
            md.AppendLine(c, $"Started {Time(run.StartedAt)} ({run.Reason ?? "reason not recorded"}), ended {Time(run.EndedAt)}.").AppendLine();
            md.AppendLine("### Timeline").AppendLine();
            md.AppendLine("| Stage | Traffic | Started | Ready | Ended | Took | Outcome |");
            md.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var s in run.Stages)
            {
                var took = s.StartedAt is { } start && s.EndedAt is { } end ? Durations.Short(end - start) : "-";
                md.AppendLine(c, $"| {s.Name} | {Traffic(s.Weight, s.ShadowPercent)} | {Time(s.StartedAt)} | {Time(s.ReadyAt)} | {Time(s.EndedAt)} | {took} | {s.Outcome} |");
            }

            md.AppendLine().AppendLine("### Check values per stage").AppendLine();
            md.AppendLine("| Stage | Check | Value | Baseline | Verdict | Measured |");
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (var s in run.Stages)
            {
                foreach (var check in s.Checks)
                {
                    md.AppendLine(c, $"| {s.Name} | {check.Name} | {StatusView.Number(check.Value)} | {StatusView.Number(check.Baseline)} | {check.Verdict} | {Time(check.MeasuredAt)} |");
                }
            }

            if (run.Rollback is { } r)
            {
                md.AppendLine().AppendLine("### Rollback").AppendLine();
                md.AppendLine(c, $"Trigger **{r.Trigger}** at {Time(r.At)} in stage {r.FromStage} at weight {r.Weight}%: {r.Reason}. Reverted by {Time(r.CompletedAt)}.").AppendLine();
                md.AppendLine("| Check | Value | Baseline | Verdict |");
                md.AppendLine("|---|---|---|---|");
                foreach (var check in r.Snapshot)
                {
                    md.AppendLine(c, $"| {check.Name} | {StatusView.Number(check.Value)} | {StatusView.Number(check.Baseline)} | {check.Verdict} |");
                }
            }

            md.AppendLine().AppendLine("### Time at each weight").AppendLine();
            md.AppendLine("| Traffic on V2 | Time |");
            md.AppendLine("|---|---|");
            foreach (var w in run.TimeAtWeight)
            {
                md.AppendLine(c, $"| {Traffic(w.Weight, w.ShadowPercent)} | {Durations.Short(TimeSpan.FromSeconds(w.Seconds))} |");
            }
        }

        if (report.Runs.Count == 0)
        {
            md.AppendLine().AppendLine("No run recorded yet.");
        }

        md.AppendLine().AppendLine("## Cleanup: done and still to do").AppendLine();
        foreach (var item in report.Cleanup)
        {
            md.AppendLine(c, $"- {item}");
        }

        return md.ToString();
    }

    private static string Traffic(int weight, int shadow) => shadow > 0 ? $"{weight}% (shadow copy {shadow}%)" : $"{weight}%";

    private static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";
}
