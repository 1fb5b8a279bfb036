using PoolOperator.Kubectl.Views;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PoolOperator.Kubectl.Planning;

internal static class PlanView
{
    public static IRenderable Render(string migration, PlanResult result)
    {
        var findings = new Table().Border(TableBorder.Simple).Title($"Preflight for {Markup.Escape(migration)}").AddColumns("", "Subject", "Finding");
        foreach (var finding in result.Findings)
        {
            findings.AddRow(new Text(Tag(finding.Severity)), new Text(finding.Subject), new Text(finding.Message));
        }

        var timeline = new Table().Border(TableBorder.Simple).Title("Stage timeline (earliest)").AddColumns("Stage", "Traffic", "Starts", "Duration", "Gate", "V1", "V2");
        foreach (var stage in result.Timeline)
        {
            timeline.AddRow(
                new Text(stage.Name),
                new Text(stage.Traffic),
                new Text($"+{Durations.Short(stage.StartsAfter)}"),
                new Text(Durations.Short(stage.Duration)),
                new Text(stage.Gate ? "approval" : ""),
                new Text($"{stage.V1Replicas}"),
                new Text($"{stage.V2Replicas}"));
        }

        var gates = result.Timeline.Count(s => s.Gate);
        var total = $"Total: {Durations.Short(result.TotalDuration)} (stages, then the {Durations.Short(result.RollbackWindow)} rollback window)"
            + (gates > 0 ? $", plus the time {gates} approval gate(s) wait for a person" : "");
        var blocking = result.Findings.Count(f => f.Severity == Severity.Blocking);
        var verdict = blocking == 0 ? "Ready: nothing blocks this migration." : $"Blocked: {blocking} blocking finding(s).";
        return new Rows(findings, timeline, new Text(total), new Text(verdict));
    }

    private static string Tag(Severity severity) => severity switch
    {
        Severity.Blocking => "BLOCK",
        Severity.Warning => "WARN",
        _ => "ok",
    };
}
