using System.Text.Json.Serialization;

namespace PoolOperator.Routing.Flags;

/// <summary>rollout.json written by generated code, which the natively compiled operator needs for records.</summary>
[JsonSerializable(typeof(RolloutDocument))]
internal sealed partial class FlagsJsonContext : JsonSerializerContext;
