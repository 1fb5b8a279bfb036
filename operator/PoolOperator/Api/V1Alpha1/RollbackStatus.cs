using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class RollbackStatus
{
    /// <summary>The check or action that fired: a check name, <c>progress-deadline</c>, <c>abort</c>.</summary>
    [JsonPropertyName("trigger")]
    public string Trigger { get; set; } = "";

    [JsonPropertyName("reason")]
    public string Reason { get; set; } = "";

    [JsonPropertyName("at")]
    public DateTime? At { get; set; }

    [JsonPropertyName("fromStage")]
    public string? FromStage { get; set; }

    [JsonPropertyName("weight")]
    public int Weight { get; set; }

    /// <summary>Every check's last measurement when the trigger fired, keyed by check name.</summary>
    [JsonPropertyName("snapshot")]
    public IDictionary<string, CheckStatus> Snapshot { get; set; } = new Dictionary<string, CheckStatus>();

    /// <summary>When V1 was back at its original replicas and V2 scaled back after the drain delay.</summary>
    [JsonPropertyName("completedAt")]
    public DateTime? CompletedAt { get; set; }
}
