using System.Text.Json;
using Xunit;

namespace PoolOperator.Client.Tests;

public sealed class ResultComparerTests
{
    private static readonly ComparisonOptions Ignoring = new()
    {
        IgnoredProperties = ["requestId", "elapsedMs"],
        IgnoredPaths = ["$.meta.servedAt", "$.items[*].etag", "$.tags[0]"],
    };

    public static TheoryData<string, string, string, string?> Cases => new()
    {
        // name, v1, v2, expected differences as "kind@path" joined by ", " (null: a match)
        { "identical", """{"a":1}""", """{"a":1}""", null },
        { "key order", """{"a":1,"b":[1,2],"c":{"x":"y","z":null}}""", """{"c":{"z":null,"x":"y"},"b":[1,2],"a":1}""", null },
        { "1 vs 1.0", """{"n":1}""", """{"n":1.0}""", null },
        { "1 vs 1e0", """{"n":1}""", """{"n":1e0}""", null },
        { "0.10 vs 1e-1", """[0.10]""", """[1e-1]""", null },
        { "huge equal numbers", """{"n":1e400}""", """{"n":1e400}""", null },
        { "number value", """{"n":1}""", """{"n":1.5}""", "value@$.n" },
        { "string value", """{"s":"a"}""", """{"s":"b"}""", "value@$.s" },
        { "boolean flip is a value difference", """{"ok":true}""", """{"ok":false}""", "value@$.ok" },
        { "number vs string", """{"n":1}""", """{"n":"1"}""", "type@$.n" },
        { "object vs array", """{"x":{}}""", """{"x":[]}""", "type@$.x" },
        { "null vs value", """{"x":null}""", """{"x":0}""", "type@$.x" },
        { "missing in V2", """{"a":1,"b":2}""", """{"a":1}""", "missing@$.b" },
        { "extra in V2", """{"a":1}""", """{"a":1,"b":2}""", "extra@$.b" },
        { "null equals absent", """{"a":1,"b":null}""", """{"a":1}""", null },
        { "absent equals null", """{"a":1}""", """{"a":1,"b":null}""", null },
        { "shorter array", """[1,2,3]""", """[1,2]""", "missing@$[2]" },
        { "longer array", """[1]""", """[1,2]""", "extra@$[1]" },
        { "array order matters", """[1,2]""", """[2,1]""", "value@$[0], value@$[1]" },
        { "nested path", """{"order":{"lines":[{"sku":"a","qty":1}]}}""", """{"order":{"lines":[{"sku":"a","qty":2}]}}""", "value@$.order.lines[0].qty" },
        { "ignored property anywhere", """{"requestId":"1","x":{"elapsedMs":3,"v":1}}""", """{"requestId":"2","x":{"elapsedMs":9,"v":1}}""", null },
        { "ignored property only on one side", """{"v":1,"requestId":"1"}""", """{"v":1}""", null },
        { "ignored path", """{"meta":{"servedAt":"10:00","region":"eu"}}""", """{"meta":{"servedAt":"10:01","region":"eu"}}""", null },
        { "ignored path is exact", """{"meta":{"region":"eu"}}""", """{"meta":{"region":"us"}}""", "value@$.meta.region" },
        { "wildcard index", """{"items":[{"id":1,"etag":"a"},{"id":2,"etag":"b"}]}""", """{"items":[{"id":1,"etag":"x"},{"id":2,"etag":"y"}]}""", null },
        { "wildcard keeps siblings", """{"items":[{"id":1,"etag":"a"}]}""", """{"items":[{"id":3,"etag":"x"}]}""", "value@$.items[0].id" },
        { "ignored index", """{"tags":["t1","b"]}""", """{"tags":["t2","b"]}""", null },
        { "ignored path missing on one side", """{"meta":{"servedAt":"10:00"}}""", """{"meta":{}}""", null },
        { "several kinds", """{"a":1,"b":"x","c":true}""", """{"a":2,"b":3,"d":true}""", "value@$.a, type@$.b, missing@$.c, extra@$.d" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Json_results_compare_semantically(string name, string v1, string v2, string? expected)
    {
        var result = new ResultComparer(Ignoring).Compare(v1, v2);

        var actual = result.IsMatch ? null : string.Join(", ", result.Differences.Select(d => $"{d.Kind.ToLabel()}@{d.Path}"));
        Assert.True(expected == actual, $"{name}: expected {expected ?? "a match"}, got {actual ?? "a match"}");
    }

    [Fact]
    public void Null_and_absent_differ_when_configured_so()
    {
        var result = new ResultComparer(new ComparisonOptions { NullEqualsMissing = false }).Compare("""{"a":null}""", "{}");

        Assert.Equal(DifferenceKind.Missing, Assert.Single(result.Differences).Kind);
    }

    public static TheoryData<string, CallOutcome, CallOutcome, DifferenceKind?> Outcomes => new()
    {
        { "both succeed alike", Success("1"), Success("1.0"), null },
        { "V2 throws", Success("1"), CallOutcome.Failure(new InvalidOperationException("boom")), DifferenceKind.ErrorVsSuccess },
        { "only V1 throws", CallOutcome.Failure(new InvalidOperationException()), Success("1"), DifferenceKind.ErrorVsSuccess },
        { "same exception type, other message", CallOutcome.Failure(new KeyNotFoundException("a")), CallOutcome.Failure(new KeyNotFoundException("b")), null },
        { "other exception type", CallOutcome.Failure(new KeyNotFoundException()), CallOutcome.Failure(new ArgumentException()), DifferenceKind.ExceptionType },
        { "V2 times out", Success("1"), CallOutcome.Timeout(TimeSpan.FromSeconds(1)), DifferenceKind.Timeout },
        { "V1 threw, V2 timed out", CallOutcome.Failure(new InvalidOperationException()), CallOutcome.Timeout(TimeSpan.FromSeconds(1)), DifferenceKind.Timeout },
        { "different values", Success("""{"a":1}"""), Success("""{"a":2}"""), DifferenceKind.Value },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void Outcomes_compare_by_result_or_exception_type(string name, CallOutcome v1, CallOutcome v2, DifferenceKind? category)
    {
        var result = new ResultComparer().Compare(v1, v2);

        Assert.True(category == result.Category, $"{name}: expected {category?.ToString() ?? "a match"}, got {result.Category?.ToString() ?? "a match"}");
    }

    [Fact]
    public void The_category_is_the_most_serious_difference()
    {
        var result = new ResultComparer().Compare("""{"a":1,"b":"x","c":1}""", """{"a":2,"b":3}""");

        Assert.Equal(DifferenceKind.Type, result.Category);
    }

    [Fact]
    public void A_huge_difference_lists_a_bounded_number_of_entries()
    {
        var v1 = JsonSerializer.Serialize(Enumerable.Range(0, 500));
        var v2 = JsonSerializer.Serialize(Enumerable.Range(1, 500));

        var result = new ResultComparer().Compare(v1, v2);

        Assert.False(result.IsMatch);
        Assert.Equal(ResultComparer.MaxListedDifferences, result.Differences.Count);
    }

    private static CallOutcome Success(string json)
    {
        using var document = JsonDocument.Parse(json);
        return CallOutcome.Success(document.RootElement);
    }
}
