using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Kubectl.Actions;

/// <summary>
/// The documented actions (docs/actions.md) as annotations, and when each applies. The operator has the last word and
/// ignores a request that no longer applies when it arrives; refusing here saves a person the round trip.
/// </summary>
internal static class ActionRules
{
    public static readonly IReadOnlyList<string> Names = ["approve", "promote", "pause", "resume", "abort", "retry"];

    public static ActionRequest For(string action, PoolMigration migration, string token)
    {
        var status = migration.Status ?? new PoolMigrationStatus();
        var phase = status.Phase ?? Phases.Pending;
        var name = migration.Metadata.Name;
        var active = Phases.IsIn(Phases.Active, phase);
        return action switch
        {
            "approve" => phase == Phases.AwaitingApproval
                ? Set(ActionAnnotations.Approve, token, $"approval of stage {status.StageName} requested for {name}")
                : ActionRequest.Refused($"no stage of {name} is awaiting approval (phase {phase})"),
            "promote" => !active ? ActionRequest.Refused($"{name} is {phase}; only a running migration can be promoted")
                : status.PromotedAt is not null ? ActionRequest.Refused($"every stage of {name} has already passed")
                : Set(ActionAnnotations.Promote, token, $"promotion of {name} to its last stage requested"),
            "pause" => !active ? ActionRequest.Refused($"{name} is {phase}; only a running migration can be paused")
                : Annotation(migration, ActionAnnotations.Paused) == "true" ? ActionRequest.AlreadyInEffect($"{name} is already paused by annotation {ActionAnnotations.Paused}")
                : Set(ActionAnnotations.Paused, "true", $"{name} paused (annotation {ActionAnnotations.Paused}=true)"),
            "resume" => Resume(migration, status, token),
            "abort" => active
                ? Set(ActionAnnotations.Abort, token, $"abort of {name} requested: it rolls back to the original state")
                : ActionRequest.Refused($"{name} is {phase}; only a running migration can be aborted"),
            "retry" => phase is Phases.RolledBack or Phases.RollingBack || status.Pause?.Reason == "Trigger"
                ? Set(ActionAnnotations.Retry, token, $"retry of {name} from the first stage requested")
                : ActionRequest.Refused($"{name} is {phase}; there is no rollback or failed check to retry from"),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "unknown action"),
        };
    }

    /// <summary>The token the operator records in status.handledActions once it handled the request; null for pause, which is level-triggered.</summary>
    public static string? HandledToken(string action, PoolMigrationStatus? status) => action switch
    {
        "approve" => status?.HandledActions?.Approve,
        "promote" => status?.HandledActions?.Promote,
        "abort" => status?.HandledActions?.Abort,
        "retry" => status?.HandledActions?.Retry,
        "resume" => status?.HandledActions?.Resume,
        _ => null,
    };

    private static ActionRequest Resume(PoolMigration migration, PoolMigrationStatus status, string token)
    {
        var name = migration.Metadata.Name;
        if (migration.Spec.Paused == true)
        {
            return ActionRequest.Refused($"{name} is paused by spec.paused: set it to false where the spec is kept (e.g. Git)");
        }

        if (status.Pause is null && Annotation(migration, ActionAnnotations.Paused) is null)
        {
            return ActionRequest.Refused($"{name} is not paused");
        }

        // As the documented command does: the paused annotation goes, and the token lifts a pause a check caused.
        return new ActionRequest(
            new Dictionary<string, string?> { [ActionAnnotations.Paused] = null, [ActionAnnotations.Resume] = token },
            $"resume of {name} requested");
    }

    private static ActionRequest Set(string annotation, string value, string message) =>
        new(new Dictionary<string, string?> { [annotation] = value }, message);

    private static string? Annotation(PoolMigration migration, string key) =>
        migration.Metadata.Annotations is { } annotations && annotations.TryGetValue(key, out var value) ? value : null;
}
