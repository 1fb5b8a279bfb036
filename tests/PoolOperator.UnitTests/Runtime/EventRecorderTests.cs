using System.Net;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Events;
using Xunit;

namespace PoolOperator.UnitTests.Runtime;

public sealed class EventRecorderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private static V1Deployment Deployment => new()
    {
        Metadata = new V1ObjectMeta { Name = "pool-v2", NamespaceProperty = "shop", Uid = "uid-1", ResourceVersion = "42" },
    };

    [Fact]
    public async Task TheFirstEventIsCreatedWithAFullReferenceAndTheComponent()
    {
        var api = new RecordingApiHandler(EchoCreated);
        var recorder = Recorder(api);

        await recorder.WarningAsync(Deployment, "ProgressDeadlineExceeded", "V2 not ready after 600s");

        var (method, path, body) = Assert.Single(api.Requests);
        Assert.Equal(HttpMethod.Post, method);
        Assert.Equal("/api/v1/namespaces/shop/events", path);
        var sent = KubernetesJson.Deserialize<Corev1Event>(body);
        Assert.Equal("Warning", sent.Type);
        Assert.Equal("ProgressDeadlineExceeded", sent.Reason);
        Assert.Equal(1, sent.Count);
        Assert.Equal("pool-operator", sent.ReportingComponent);
        Assert.Equal("pool-operator", sent.Source.Component);
        Assert.Equal("Deployment", sent.InvolvedObject.Kind);
        Assert.Equal("apps/v1", sent.InvolvedObject.ApiVersion);
        Assert.Equal("uid-1", sent.InvolvedObject.Uid);
        Assert.Equal("42", sent.InvolvedObject.ResourceVersion);
        Assert.Equal("shop", sent.InvolvedObject.NamespaceProperty);
        Assert.StartsWith("pool-v2.", sent.Metadata.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatsOfTheSameEventBumpCountAndLastTimestampAtMostOncePerIntervalInsteadOfCreatingMore()
    {
        var api = new RecordingApiHandler(EchoCreated);
        var recorder = Recorder(api);

        await recorder.NormalAsync(Deployment, "Scaled", "V2 scaled to 3");
        for (var i = 0; i < 10; i++)
        {
            // Repeats within the interval (say, one per reconcile) are counted without a request.
            _time.Advance(TimeSpan.FromSeconds(10));
            await recorder.NormalAsync(Deployment, "Scaled", "V2 scaled to 3");
        }

        _time.Advance(TimeSpan.FromMinutes(4));
        await recorder.NormalAsync(Deployment, "Scaled", "V2 scaled to 3");
        await recorder.NormalAsync(Deployment, "Scaled", "V2 scaled to 3");

        var requests = api.Requests.ToArray();
        Assert.Equal([HttpMethod.Post, HttpMethod.Patch], requests.Select(r => r.Method));
        var created = KubernetesJson.Deserialize<Corev1Event>(requests[0].Body);
        Assert.EndsWith($"/events/{created.Metadata.Name}", requests[1].Path, StringComparison.Ordinal);
        using var patch = JsonDocument.Parse(requests[1].Body);
        Assert.Equal(12, patch.RootElement.GetProperty("count").GetInt32());
        Assert.Equal("2025-01-01T12:05:40Z", patch.RootElement.GetProperty("lastTimestamp").GetString());
    }

    [Fact]
    public async Task AKeyedEventIsCreatedOnceUnderANameDerivedFromTheObjectsUidAndTheKey()
    {
        var api = new RecordingApiHandler(EchoCreated);
        var recorder = Recorder(api);

        await recorder.RecordOnceAsync(Deployment, EventType.Normal, "StageStarted", "canary-5 started", "run-1/canary-5");
        await recorder.RecordOnceAsync(Deployment, EventType.Normal, "StageStarted", "canary-5 started", "run-1/canary-5");
        await recorder.RecordOnceAsync(Deployment, EventType.Normal, "StageStarted", "canary-25 started", "run-1/canary-25");
        var recreated = Deployment;
        recreated.Metadata.Uid = "uid-2";
        await recorder.RecordOnceAsync(recreated, EventType.Normal, "StageStarted", "canary-5 started", "run-1/canary-5");

        var names = Writes(api).Select(r => KubernetesJson.Deserialize<Corev1Event>(r.Body)).Select(e => e.Metadata.Name).ToArray();
        Assert.Equal(3, names.Length);
        Assert.Equal(3, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^pool-v2\\.[0-9a-f]{16}$", n));

        // Another replica (or this one after a restart) derives the same name.
        var other = new RecordingApiHandler(EchoCreated);
        await Recorder(other, "replica-2").RecordOnceAsync(Deployment, EventType.Normal, "StageStarted", "canary-5 started", "run-1/canary-5");
        var sent = KubernetesJson.Deserialize<Corev1Event>(Assert.Single(Writes(other)).Body);
        Assert.Equal(names[0], sent.Metadata.Name);
        Assert.Equal("replica-2", sent.ReportingInstance);
    }

    [Fact]
    public async Task AKeyedEventThatAlreadyExistsIsRememberedAndNotRequestedAgain()
    {
        var api = new RecordingApiHandler((request, _) => request.Method == HttpMethod.Get ? NoEventsYet : (HttpStatusCode.Conflict, """{"kind":"Status","code":409,"reason":"AlreadyExists"}"""));
        var recorder = Recorder(api);

        await recorder.RecordOnceAsync(Deployment, EventType.Warning, "RolledBack", "error rate 0.2 > 0.01", "run-1/rollback");
        await recorder.RecordOnceAsync(Deployment, EventType.Warning, "RolledBack", "error rate 0.2 > 0.01", "run-1/rollback");

        Assert.Single(Writes(api));
    }

    [Fact]
    public async Task AfterARestartOneListFindsTheMilestonesAlreadyRecordedInTheNamespace()
    {
        var before = new RecordingApiHandler(EchoCreated);
        await Recorder(before).RecordOnceAsync(Deployment, EventType.Normal, "StageStarted", "canary-5 started", "run-1/canary-5");
        var recordedName = KubernetesJson.Deserialize<Corev1Event>(Assert.Single(Writes(before)).Body).Metadata.Name;
        var list = $$$"""{"kind":"EventList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"{{{recordedName}}}","namespace":"shop"}}]}""";
        var after = new RecordingApiHandler((request, body) => request.Method == HttpMethod.Get ? (HttpStatusCode.OK, list) : EchoCreated(request, body));
        var restarted = Recorder(after, "replica-2");

        await restarted.RecordOnceAsync(Deployment, EventType.Normal, "StageStarted", "canary-5 started", "run-1/canary-5");
        await restarted.RecordOnceAsync(Deployment, EventType.Normal, "StageStarted", "canary-25 started", "run-1/canary-25");

        var (method, path, _) = after.Requests.First();
        Assert.Equal(HttpMethod.Get, method);
        Assert.EndsWith("/namespaces/shop/events", path, StringComparison.Ordinal);
        Assert.Single(after.Requests, r => r.Method == HttpMethod.Get);
        Assert.Contains("canary-25", KubernetesJson.Deserialize<Corev1Event>(Assert.Single(Writes(after)).Body).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyedEventThatFailedIsTriedAgainNextTime()
    {
        var fail = true;
        var api = new RecordingApiHandler((request, body) => fail ? (HttpStatusCode.InternalServerError, """{"kind":"Status","code":500}""") : EchoCreated(request, body));
        var recorder = Recorder(api);

        await recorder.RecordOnceAsync(Deployment, EventType.Normal, "Completed", "V2 serves all traffic", "run-1/completed");
        fail = false;
        await recorder.RecordOnceAsync(Deployment, EventType.Normal, "Completed", "V2 serves all traffic", "run-1/completed");
        await recorder.RecordOnceAsync(Deployment, EventType.Normal, "Completed", "V2 serves all traffic", "run-1/completed");

        Assert.Equal(2, Writes(api).Count);
    }

    [Fact]
    public async Task ADifferentMessageIsANewEvent()
    {
        var api = new RecordingApiHandler(EchoCreated);
        var recorder = Recorder(api);

        await recorder.NormalAsync(Deployment, "Scaled", "V2 scaled to 3");
        await recorder.NormalAsync(Deployment, "Scaled", "V2 scaled to 4");

        Assert.Equal([HttpMethod.Post, HttpMethod.Post], api.Requests.Select(r => r.Method));
        var names = api.Requests.Select(r => KubernetesJson.Deserialize<Corev1Event>(r.Body).Metadata.Name).ToArray();
        Assert.NotEqual(names[0], names[1]);
    }

    [Fact]
    public async Task AnExpiredEventIsCreatedAgain()
    {
        var api = new RecordingApiHandler((request, body) =>
            request.Method == HttpMethod.Patch ? (HttpStatusCode.NotFound, """{"kind":"Status","code":404}""") : EchoCreated(request, body));
        var recorder = Recorder(api);

        await recorder.NormalAsync(Deployment, "Scaled", "V2 scaled to 3");
        _time.Advance(TimeSpan.FromMinutes(6));
        await recorder.NormalAsync(Deployment, "Scaled", "V2 scaled to 3");

        Assert.Equal([HttpMethod.Post, HttpMethod.Patch, HttpMethod.Post], api.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task AnApiserverFailureIsSwallowed()
    {
        var api = new RecordingApiHandler((_, _) => (HttpStatusCode.InternalServerError, """{"kind":"Status","code":500}"""));
        var recorder = Recorder(api);

        await recorder.WarningAsync(Deployment, "RolledBack", "error rate 0.2 > 0.01");

        Assert.Single(api.Requests);
    }

    private static (HttpStatusCode, string) EchoCreated(HttpRequestMessage request, string body) =>
        request.Method == HttpMethod.Get ? NoEventsYet : (HttpStatusCode.Created, body);

    private static (HttpStatusCode, string) NoEventsYet => (HttpStatusCode.OK, """{"kind":"EventList","apiVersion":"v1","metadata":{},"items":[]}""");

    private static List<(HttpMethod Method, string Path, string Body)> Writes(RecordingApiHandler api) => [.. api.Requests.Where(r => r.Method != HttpMethod.Get)];

    private EventRecorder Recorder(RecordingApiHandler api, string instance = "replica-1")
    {
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }, api);
        return new EventRecorder(client, RuntimeDefaults.ComponentName, instance, _time, NullLogger.Instance);
    }
}
