using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>Short stage literals for the engine tests.</summary>
internal static class Stages
{
    public static MigrationStage Weighted(string name, int weight, string duration = "1s", bool approval = false) =>
        new() { Name = name, Weight = weight, Duration = duration, Approval = approval ? "Required" : null };

    public static MigrationStage Shadow(string name, int percent, string duration = "1s") =>
        new() { Name = name, Shadow = new ShadowSpec { Percent = percent }, Duration = duration };
}
