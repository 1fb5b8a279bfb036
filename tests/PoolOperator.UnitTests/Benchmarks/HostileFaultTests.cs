using System.Text.Json;
using PoolOperator.Benchmarks;
using PoolOperator.Benchmarks.Cluster;
using PoolOperator.Benchmarks.Measurement;
using Xunit;

namespace PoolOperator.UnitTests.Benchmarks;

public sealed class HostileFaultTests
{
    [Theory]
    [InlineData("trickle", "Prometheus at http://127.0.0.1:40111 did not answer in time (timeout 10s)")]
    [InlineData("trickle", "circuit open for http://127.0.0.1:40111")]
    [InlineData("50mb", "response is too large; the query must return a single series")]
    [InlineData("junk-json", "response is not Prometheus API JSON (content type application/json): {\"status\": \"success\", \"data\": [1, 2")]
    [InlineData("redirect", "Prometheus answered 302 Found, a redirect to http://localhost:40112/api/v1/query; redirects are not followed: set the address the redirect points to")]
    [InlineData("tls", "cannot reach Prometheus at https://127.0.0.1:40113: The SSL connection could not be established, see inner exception.")]
    public void An_inconclusive_check_whose_message_names_the_fault_counts(string fault, string message)
    {
        Assert.True(Fault(fault).IsNamedBy("Inconclusive", message));
    }

    [Theory]
    [InlineData("Inconclusive", "circuit open for http://127.0.0.1:40111")]
    [InlineData("Inconclusive", "query returned no data")]
    [InlineData("Fail", "response is too large; the query must return a single series")]
    [InlineData(null, null)]
    public void Another_fault_a_verdict_other_than_inconclusive_or_no_check_does_not_count(string? verdict, string? message)
    {
        Assert.False(Fault("50mb").IsNamedBy(verdict, message));
    }

    [Fact]
    public void Every_fault_has_its_own_name()
    {
        Assert.Equal(HostileFault.All.Count, HostileFault.All.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_check_of_a_migration_is_read_from_its_last_status()
    {
        var state = new MigrationState
        {
            LastStatus = JsonDocument.Parse("""
                {"phase":"Progressing","analysis":{"checks":[
                  {"name":"v2-ready","verdict":"Pass","message":"0 of 0 ready"},
                  {"name":"errors","verdict":"Inconclusive","message":"value is NaN"}]}}
                """).RootElement.Clone(),
        };

        Assert.Equal(("Inconclusive", "value is NaN"), state.Check("errors"));
        Assert.Equal((null, null), state.Check("latency"));
        Assert.Equal((null, null), new MigrationState().Check("errors"));
    }

    [Fact]
    public void The_number_of_hostile_migrations_defaults_to_the_healthy_ones_and_can_be_set()
    {
        var (defaults, _) = BenchmarkOptions.Parse(["hostile", "--migrations", "40"]);
        var (set, _) = BenchmarkOptions.Parse(["hostile", "--migrations", "40", "--hostile", "16"]);
        var (refused, error) = BenchmarkOptions.Parse(["hostile", "--hostile", "0"]);

        Assert.Equal(40, defaults!.HostileMigrations);
        Assert.Equal(16, set!.HostileMigrations);
        Assert.True(set.Runs("hostile"));
        Assert.Null(refused);
        Assert.Contains("--hostile", error, StringComparison.Ordinal);
    }

    private static HostileFault Fault(string name) => HostileFault.All.Single(f => f.Name == name);
}
