using System.Text.Json.Nodes;
using k8s;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Controllers;

/// <summary>
/// Whether a decided status says something the persisted one does not, and so is worth a write. Analysis
/// bookkeeping of the built-in checks, which no decision reads and which repeats what <c>status.v2</c> shows, is left
/// out of the comparison: when a built-in check was measured if its result is the same, whether it passed in the
/// current stage (a stage passes on the configured checks), a built-in check appearing with a pass, and
/// <c>lastRunAt</c> (it moves only with some result, which is compared itself). Configured checks are compared in
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
        WithoutBookkeeping(before, known);
        WithoutBookkeeping(after, known);
        return !JsonNode.DeepEquals(before, after);
    }

    private static HashSet<string> CheckNames(JsonObject status) =>
        [.. Checks(status).Select(c => c["name"]?.GetValue<string>() ?? "")];

    private static void WithoutBookkeeping(JsonObject status, HashSet<string> persistedChecks)
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

            if (!persistedChecks.Contains(name) && check["verdict"]?.GetValue<string>() == nameof(Verdict.Pass))
            {
                checks.Remove(check);
                continue;
            }

            check.Remove("measuredAt");
            check.Remove("passedInStage");
        }
    }

    private static IEnumerable<JsonObject> Checks(JsonObject status) =>
        (status["analysis"] as JsonObject)?["checks"] is JsonArray checks ? checks.OfType<JsonObject>() : [];
}
