using System.Text.Json;

namespace PoolOperator.Client;

/// <summary>What the result comparator ignores and how results become JSON.</summary>
public sealed class ComparisonOptions
{
    /// <summary>Property names ignored wherever they appear, e.g. <c>requestId</c>, <c>elapsedMs</c> (ordinal, case-sensitive).</summary>
    public IList<string> IgnoredProperties { get; set; } = [];

    /// <summary>
    /// Paths ignored with everything below them: <c>$.meta.timestamp</c>, <c>$.items[*].id</c>, <c>$.items[0]</c>.
    /// <c>*</c> matches any one property or array index.
    /// </summary>
    public IList<string> IgnoredPaths { get; set; } = [];

    /// <summary>A property that is null on one side and absent on the other counts as equal (serializers differ on omitting nulls).</summary>
    public bool NullEqualsMissing { get; set; } = true;

    /// <summary>How results are turned into JSON for comparison; <see cref="JsonSerializerOptions.Web"/> when not set.</summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }
}
