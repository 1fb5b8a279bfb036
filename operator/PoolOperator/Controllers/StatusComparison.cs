using System.Text.Json.Nodes;
using k8s;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Controllers;

/// <summary>
/// Whether a decided status says something the persisted one does not, and so is worth a write. Analysis
/// bookkeeping of the built-in checks, which no decision reads and which repeats what <c>status.v2</c> shows, is left
/// out of the comparison: when a built-in check was measured if its result is the same, whether it passed in the
/// current stage (a stage passes on the configured checks), a built-in check appearing with a pass, a passing
/// <c>v2-ready</c>'s value and message while it keeps passing, and <c>lastRunAt</c> (it moves only with some result, which is compared itself). Configured checks are compared in
/// full. Such a change is written with the next change that matters; a restarted operator measures again and derives
/// the same.
/// </summary>
internal static class StatusComparison
{
    private static readonly HashSet<string> BuiltIn = new(StringComparer.Ordinal)
    {
        BuiltInChecks.V2Ready, BuiltInChecks.V2Restarts, BuiltInChecks.ProgressDeadline,
    };

    public static bool WorthWriting(PoolMigrationStatus? persisted, PoolMigrationStatus decided)
    {
        if (persisted is null)
        {
            return true;
        }

        var before = JsonNode.Parse(KubernetesJson.Serialize(persisted))!.AsObject();
        var after = JsonNode.Parse(KubernetesJson.Serialize(decided))!.AsObject();
        var known = CheckNames(before);
        var readyPassed = Checks(before).Any(c => c["name"]?.GetValue<string>() == BuiltInChecks.V2Ready && IsPass(c));
        WithoutBookkeeping(before, known, readyPassed);
        WithoutBookkeeping(after, known, readyPassed);
        return !JsonNode.DeepEquals(before, after);
    }

    private static HashSet<string> CheckNames(JsonObject status) =>
        [.. Checks(status).Select(c => c["name"]?.GetValue<string>() ?? "")];

    private static void WithoutBookkeeping(JsonObject status, HashSet<string> persistedChecks, bool readyPassed)
    {
        if (status["analysis"] is not JsonObject analysis)
        {
            return;
        }

        analysis.Remove("lastRunAt");
        if (analysis["checks"] is not JsonArray checks)
        {
            return;
        }

        foreach (var check in checks.OfType<JsonObject>().ToList())
        {
            var name = check["name"]?.GetValue<string>() ?? "";
            if (!BuiltIn.Contains(name))
            {
                continue;
            }

            if (!persistedChecks.Contains(name) && IsPass(check))
            {
                checks.Remove(check);
                continue;
            }

            check.Remove("measuredAt");
            check.Remove("passedInStage");

            // A passing v2-ready's value, baseline and message repeat status.v2.readyReplicas and the stage's target.
            if (name == BuiltInChecks.V2Ready && readyPassed && IsPass(check))
            {
                check.Remove("value");
                check.Remove("baseline");
                check.Remove("message");
            }
        }
    }

    private static bool IsPass(JsonObject check) => check["verdict"]?.GetValue<string>() == nameof(Verdict.Pass);

    private static IEnumerable<JsonObject> Checks(JsonObject status) =>
        (status["analysis"] as JsonObject)?["checks"] is JsonArray checks ? checks.OfType<JsonObject>() : [];
}
