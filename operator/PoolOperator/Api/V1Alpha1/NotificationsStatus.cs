using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>
/// Which milestone notifications of the current run have been dealt with, so each is sent once across restarts and
/// leader changes, and which targets failed.
/// </summary>
public sealed class NotificationsStatus
{
    /// <summary>Entries <c>target/milestone-key</c>: delivered, or given up after every retry (then also in <see cref="Failing"/>).</summary>
    [JsonPropertyName("sent")]
    public IList<string> Sent { get; set; } = [];

    /// <summary>The last failure of each target that has not delivered since.</summary>
    [JsonPropertyName("failing")]
    public IList<NotificationFailure> Failing { get; set; } = [];
}
