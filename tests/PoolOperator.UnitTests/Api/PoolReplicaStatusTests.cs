using System.Text.Json.Nodes;
using k8s;
using PoolOperator.Api.V1Alpha1;
using Xunit;

namespace PoolOperator.UnitTests.Api;

public sealed class PoolReplicaStatusTests
{
    [Fact]
    public void Ready_is_written_as_ready_over_desired_for_the_printer_columns()
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(new PoolReplicaStatus { Replicas = 10, ReadyReplicas = 8 }))!;

        Assert.Equal("8/10", (string?)json["ready"]);
    }

    [Fact]
    public void Ready_read_back_from_the_server_follows_the_counts()
    {
        var status = KubernetesJson.Deserialize<PoolReplicaStatus>("""{"replicas":3,"readyReplicas":2,"ready":"9/9"}""");

        Assert.Equal("2/3", status.Ready);
    }
}
