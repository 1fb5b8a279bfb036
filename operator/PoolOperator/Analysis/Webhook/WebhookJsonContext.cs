using System.Text.Json.Serialization;

namespace PoolOperator.Analysis.Webhook;

/// <summary>The webhook's request body written by generated code, which the natively compiled operator needs for records.</summary>
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
