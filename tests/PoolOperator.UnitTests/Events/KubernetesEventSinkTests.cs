using System.Net;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Events;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Events;
using PoolOperator.UnitTests.Runtime;
using Xunit;

namespace PoolOperator.UnitTests.Events;

public sealed class KubernetesEventSinkTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingApiHandler _api = new((request, body) => request.Method == HttpMethod.Get
        ? (HttpStatusCode.OK, """{"kind":"EventList","apiVersion":"v1","metadata":{},"items":[]}""")
        : (HttpStatusCode.Created, body));

    private static PoolMigration Migration => new()
    {
        Metadata = new V1ObjectMeta { Name = "session-pool", NamespaceProperty = "shop", Uid = "uid-7", ResourceVersion = "9" },
    };

    [Fact]
    public async Task AMilestoneIsWrittenOnceThroughTheRecorderWithTheLeaderIdentity()
    {
        var sink = Sink();
        var milestone = new MigrationEvent(MigrationEvent.Normal, "StageStarted", "canary-5 started", "run-1/stage/canary-5");

        await sink.RecordAsync(Migration, milestone, CancellationToken.None);
        await sink.RecordAsync(Migration, milestone, CancellationToken.None);

        var sent = KubernetesJson.Deserialize<Corev1Event>(Assert.Single(_api.Requests, r => r.Method == HttpMethod.Post).Body);
        Assert.Equal(("Normal", "StageStarted", "canary-5 started"), (sent.Type, sent.Reason, sent.Message));
        Assert.Equal((RuntimeDefaults.ComponentName, "leader-1"), (sent.ReportingComponent, sent.ReportingInstance));
        Assert.Equal(("PoolMigration", "pooloperator.io/v1alpha1", "uid-7"), (sent.InvolvedObject.Kind, sent.InvolvedObject.ApiVersion, sent.InvolvedObject.Uid));
    }

    [Fact]
    public async Task AKeylessWarningRepeatedEveryReconcileIsOneEventWhoseCountIsUpdatedAtMostOncePerInterval()
    {
        var sink = Sink();
        var warning = new MigrationEvent(MigrationEvent.Warning, "AnalysisInconclusive", "prometheus unreachable");

        for (var reconcile = 0; reconcile < 30; reconcile++)
        {
            await sink.RecordAsync(Migration, warning, CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(15));
        }

        Assert.Equal([HttpMethod.Post, HttpMethod.Patch], _api.Requests.Select(r => r.Method).Where(m => m != HttpMethod.Get));
        Assert.Equal("Warning", KubernetesJson.Deserialize<Corev1Event>(_api.Requests.First().Body).Type);
    }

    private KubernetesEventSink Sink()
    {
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }, _api);
        return new KubernetesEventSink(new EventRecorder(client, RuntimeDefaults.ComponentName, "leader-1", _time, NullLogger.Instance));
    }
}
