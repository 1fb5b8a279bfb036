using PoolOperator.Tests.Shared;
using Xunit;

namespace PoolOperator.UnitTests.Docs;

public sealed class CrdReferenceTests
{
    private const string CrdPath = "crds/poolmigrations.pooloperator.io.yaml";
    private const string ReferencePath = "docs/crd-reference.md";

    /// <summary>
    /// The published reference is the CRD's schema. After changing the CRD, regenerate it with
    /// <c>POOLOPERATOR_UPDATE_DOCS=1 dotnet test tests/PoolOperator.UnitTests --filter CrdReference</c>.
    /// </summary>
    [Fact]
    public void TheCrdReferenceIsGeneratedFromTheCrd()
    {
        var crd = YamlJson.LoadDocuments(RepositoryFiles.PathOf(CrdPath.Split('/'))).Single();
        var expected = CrdReference.Render(crd, CrdPath);
        var path = RepositoryFiles.PathOf(ReferencePath.Split('/'));

        if (Environment.GetEnvironmentVariable("POOLOPERATOR_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(
            File.Exists(path) && File.ReadAllText(path) == expected,
            $"{ReferencePath} does not match {CrdPath}: regenerate it with POOLOPERATOR_UPDATE_DOCS=1 dotnet test tests/PoolOperator.UnitTests --filter CrdReference");
        Assert.Contains("| `spec.v1.deployment` | string | yes |", expected, StringComparison.Ordinal);
        Assert.Contains("| `status.phase` |", expected, StringComparison.Ordinal);
    }
}
