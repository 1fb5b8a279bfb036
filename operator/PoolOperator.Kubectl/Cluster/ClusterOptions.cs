namespace PoolOperator.Kubectl.Cluster;

/// <summary>How kubectl chooses the cluster: --kubeconfig (else $KUBECONFIG, else ~/.kube/config), --context, -n.</summary>
internal sealed record ClusterOptions(string? Kubeconfig, string? Context, string? Namespace);
