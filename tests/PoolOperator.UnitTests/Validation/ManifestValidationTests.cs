using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Tests.Shared;
using PoolOperator.Validation;
using Xunit;

namespace PoolOperator.UnitTests.Validation;

/// <summary>The shipped examples must pass the operator, and whatever the schema refuses the operator refuses too.</summary>
public sealed partial class ManifestValidationTests
{
    public static TheoryData<string> Examples => ["poolmigration.yaml", "poolmigration-minimal.yaml", "poolmigration-quickstart.yaml"];

    public static TheoryData<string> InvalidManifests =>
    [
        .. Directory.GetFiles(RepositoryFiles.PathOf("tests", "PoolOperator.IntegrationTests", "Manifests", "invalid"), "*.yaml")
            .Select(path => Path.GetFileName(path))
            .Order(StringComparer.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_migrations_are_valid(string file)
    {
        var migration = Load(RepositoryFiles.PathOf("docs", "examples", file));

        Assert.Empty(SpecValidator.Validate(migration.Spec));
    }

    [Fact]
    public void The_example_deployments_do_not_overlap()
    {
        var deployments = YamlJson.LoadDocuments(RepositoryFiles.PathOf("docs", "examples", "session-pool.yaml"))
            .Where(document => (string?)document["kind"] == "Deployment")
            .Select(document => KubernetesJson.Deserialize<V1Deployment>(document.ToJsonString()))
            .ToDictionary(deployment => deployment.Metadata.Name);
        var migration = Load(RepositoryFiles.PathOf("docs", "examples", "poolmigration.yaml"));

        Assert.Empty(SpecValidator.ValidateAgainstCluster(migration.Spec, deployments[migration.Spec.V1.Deployment], deployments[migration.Spec.V2.Deployment]));
    }

    [Fact]
    public void There_are_at_least_twelve_invalid_manifests() => Assert.True(InvalidManifests.Count >= 12);

    [Theory]
    [MemberData(nameof(InvalidManifests))]
    public void What_the_schema_rejects_the_operator_rejects_on_the_same_field(string file)
    {
        var path = RepositoryFiles.PathOf("tests", "PoolOperator.IntegrationTests", "Manifests", "invalid", file);
        var field = File.ReadLines(path).Select(line => ExpectedField().Match(line)).First(match => match.Success).Groups[1].Value;

        PoolMigration migration;
        try
        {
            migration = Load(path);
        }
        catch (JsonException)
        {
            // A value of the wrong JSON type never reaches the validator: the operator cannot read the object.
            Assert.Contains(File.ReadLines(path), line => line.StartsWith("# expect:", StringComparison.Ordinal) && line.Contains("must be of type", StringComparison.Ordinal));
            return;
        }

        var errors = SpecValidator.Validate(migration.Spec);

        Assert.True(
            errors.Any(error => error.Field == field || error.Field.StartsWith(field + ".", StringComparison.Ordinal) || error.Field.StartsWith(field + "[", StringComparison.Ordinal)),
            $"{file}: the schema rejects {field}, the validator reported: {string.Join("; ", errors)}");
    }

    private static PoolMigration Load(string path)
    {
        JsonObject document = YamlJson.LoadDocuments(path).Single();
        return KubernetesJson.Deserialize<PoolMigration>(document.ToJsonString());
    }

    [GeneratedRegex(@"^# expect: (spec[^\s:]*)")]
    private static partial Regex ExpectedField();
}
