using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Kubectl.Cluster;

namespace PoolOperator.Kubectl.Planning;

/// <summary>Reads what the preflight judges from the cluster, and probes each check's endpoint. Changes nothing.</summary>
internal sealed class PlanObserver(ClusterConnection connection, HttpClient http)
{
    public async Task<PlanInput> ObserveAsync(PoolMigration migration, CancellationToken cancellationToken)
    {
        var ns = migration.Metadata.NamespaceProperty ?? connection.Namespace;
        var client = connection.Client;
        var spec = migration.Spec;
        var v1 = await OrNull(() => client.AppsV1.ReadNamespacedDeploymentAsync(spec.V1.Deployment, ns, cancellationToken: cancellationToken));
        var v2 = await OrNull(() => client.AppsV1.ReadNamespacedDeploymentAsync(spec.V2.Deployment, ns, cancellationToken: cancellationToken));
        var services = await MigrationStore.Call(() => client.CoreV1.ListNamespacedServiceAsync(ns, cancellationToken: cancellationToken));
        var quotas = await MigrationStore.Call(() => client.CoreV1.ListNamespacedResourceQuotaAsync(ns, cancellationToken: cancellationToken));
        var flagsExist = spec.TrafficRouting?.Flags is { } flags
            && await OrNull(() => client.CoreV1.ReadNamespacedConfigMapAsync(flags.ConfigMap, ns, cancellationToken: cancellationToken)) is not null;
        var route = spec.TrafficRouting?.GatewayApi is { } gateway ? await ObserveRouteAsync(gateway.HttpRoute, ns, cancellationToken) : null;
        var probes = new List<ProbeResult>();
        foreach (var check in spec.Analysis?.Checks ?? [])
        {
            probes.AddRange(await ProbeAsync(check, cancellationToken));
        }

        return new PlanInput(migration, ns, v1, v2, [.. services.Items], flagsExist, route, [.. quotas.Items], probes);
    }

    private async Task<HttpRouteObservation> ObserveRouteAsync(string name, string ns, CancellationToken cancellationToken)
    {
        try
        {
            var route = await connection.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(
                "gateway.networking.k8s.io", "v1", ns, "httproutes", name, cancellationToken);
            var backends = new List<string>();
            if (route.TryGetProperty("spec", out var routeSpec) && routeSpec.TryGetProperty("rules", out var rules))
            {
                foreach (var rule in rules.EnumerateArray())
                {
                    if (rule.TryGetProperty("backendRefs", out var refs))
                    {
                        backends.AddRange(refs.EnumerateArray().Where(r => r.TryGetProperty("name", out _)).Select(r => r.GetProperty("name").GetString() ?? ""));
                    }
                }
            }

            return new HttpRouteObservation(true, true, backends);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // The apiserver answers 404 both for a missing route and for a missing API: ask which.
            var installed = await ApiInstalledAsync(cancellationToken);
            return new HttpRouteObservation(installed, false, []);
        }
    }

    private async Task<bool> ApiInstalledAsync(CancellationToken cancellationToken)
    {
        try
        {
            var resources = await connection.Client.CustomObjects.GetClusterCustomObjectAsync<JsonElement>(
                "apiextensions.k8s.io", "v1", "customresourcedefinitions", "httproutes.gateway.networking.k8s.io", cancellationToken);
            return resources.ValueKind == JsonValueKind.Object;
        }
        catch (HttpOperationException)
        {
            return false;
        }
    }

    private async Task<IEnumerable<ProbeResult>> ProbeAsync(AnalysisCheck check, CancellationToken cancellationToken)
    {
        if (check.Prometheus is { } prometheus)
        {
            if (prometheus.Address is not { Length: > 0 } address)
            {
                return [new ProbeResult(check.Name, "the operator's default Prometheus", true, null, "no address in the spec; the operator's configured default is used and not probed from here")];
            }

            var results = new List<ProbeResult> { await QueryAsync(check.Name, address, prometheus.Query, cancellationToken) };
            if (prometheus.BaselineQuery is { Length: > 0 } baseline)
            {
                results.Add(await QueryAsync($"{check.Name} (baseline)", address, baseline, cancellationToken));
            }

            return results;
        }

        if (check.Webhook is { } webhook)
        {
            // Calling the webhook would run it (a smoke test may have effects): only its port is tried.
            return [await ConnectAsync(check.Name, webhook.Url, cancellationToken)];
        }

        return [];
    }

    private async Task<ProbeResult> QueryAsync(string check, string address, string query, CancellationToken cancellationToken)
    {
        var url = $"{address.TrimEnd('/')}/api/v1/query?query={Uri.EscapeDataString(query)}";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await http.GetAsync(url, timeout.Token);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return new ProbeResult(check, address, true, null, $"answers {(int)response.StatusCode}: the check's credentials are not used by the plan");
            }

            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new ProbeResult(check, address, true, false, $"query refused with {(int)response.StatusCode}: {Shorten(body)}");
            }

            using var document = JsonDocument.Parse(body);
            var result = document.RootElement.GetProperty("data").GetProperty("result");
            var count = result.ValueKind == JsonValueKind.Array ? result.GetArrayLength() : 1;
            return count == 0
                ? new ProbeResult(check, address, true, false, "empty result")
                : new ProbeResult(check, address, true, true, $"query returns {count} series now");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new ProbeResult(check, address, false, null, e.Message, ClusterInternal(address));
        }
    }

    private static async Task<ProbeResult> ConnectAsync(string check, string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return new ProbeResult(check, url, false, null, "not an absolute URL");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var socket = new TcpClient();
            await socket.ConnectAsync(uri.Host, uri.Port, timeout.Token);
            return new ProbeResult(check, url, true, null, $"{uri.Host}:{uri.Port} accepts connections (the webhook itself is not called)");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return new ProbeResult(check, url, false, null, e.Message, ClusterInternal(url));
        }
    }

    /// <summary>Service names (svc, svc.ns, *.svc, *.svc.cluster.local) resolve only inside the cluster.</summary>
    private static bool ClusterInternal(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri)
        && (uri.Host.Count(c => c == '.') <= 1 || uri.Host.EndsWith(".svc", StringComparison.Ordinal) || uri.Host.EndsWith(".svc.cluster.local", StringComparison.Ordinal))
        && !IPAddress.TryParse(uri.Host, out _) && uri.Host != "localhost";

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";

    private static async Task<T?> OrNull<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await MigrationStore.Call(read);
        }
        catch (PluginException e) when (e.ExitCode == ExitCodes.NotFound)
        {
            return null;
        }
    }
}
