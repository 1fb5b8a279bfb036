using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using PoolOperator.Tests.Shared;

namespace PoolOperator.IntegrationTests.Manifests;

/// <summary>
/// A PoolMigration the CRD schema must reject. Its leading <c># expect: ...</c> lines are substrings the
/// apiserver's message must contain; they are written with list indices (<c>spec.stages[1].weight</c>)
/// and also match apiservers before 1.2x, which leave indices out (<c>spec.stages.weight</c>).
/// </summary>
internal sealed partial record InvalidManifest(string Name, JsonObject Body, IReadOnlyList<string> Expectations)
{
    public static string Directory => RepositoryFiles.PathOf("tests", "PoolOperator.IntegrationTests", "Manifests", "invalid");

    public static IReadOnlyList<string> FileNames() => System.IO.Directory.GetFiles(Directory, "*.yaml")
        .Select(path => Path.GetFileName(path))
        .Order(StringComparer.Ordinal)
        .ToList();

    public static InvalidManifest Load(string fileName)
    {
        var path = Path.Combine(Directory, fileName);
        var expectations = File.ReadLines(path)
            .TakeWhile(line => line.StartsWith('#'))
            .Where(line => line.StartsWith("# expect: ", StringComparison.Ordinal))
            .Select(line => line["# expect: ".Length..].Trim())
            .ToList();
        if (expectations.Count == 0)
        {
            throw new InvalidOperationException($"{fileName} has no '# expect:' line");
        }

        return new(Path.GetFileNameWithoutExtension(fileName), YamlJson.LoadDocuments(path).Single(), expectations);
    }

    /// <returns>The expectations the message does not meet.</returns>
    public IReadOnlyList<string> Unmet(string message) => Expectations
        .Where(expected => !message.Contains(expected, StringComparison.Ordinal)
            && !message.Contains(ListIndex().Replace(expected, ""), StringComparison.Ordinal))
        .ToList();

    [GeneratedRegex(@"\[[0-9]+\]")]
    private static partial Regex ListIndex();
}
