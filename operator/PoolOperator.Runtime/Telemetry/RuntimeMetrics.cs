using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace PoolOperator.Runtime.Telemetry;

/// <summary>The runtime's instruments, under the meter <c>PoolOperator.Runtime</c>: apiserver requests and work queues.</summary>
public sealed class RuntimeMetrics : IDisposable
{
    /// <summary>The meter these instruments belong to; add it to the host's metrics pipeline.</summary>
    public const string MeterName = "PoolOperator.Runtime";

    private const string ApiRequestsName = "pooloperator.kubernetes.requests";
    private const string WorkQueueDepthName = "pooloperator.workqueue.depth";

    /// <summary>Instruments whose labels come from a fixed vocabulary: request verbs and response codes, controller names.</summary>
    public static IReadOnlySet<string> FixedVocabularyInstruments { get; } = new HashSet<string>([ApiRequestsName, WorkQueueDepthName], StringComparer.Ordinal);

    private readonly Meter _meter;
    private readonly Counter<long> _apiRequests;

    /// <summary>Creates the instruments; queue depths are read from the controllers <paramref name="services"/> resolves when collected.</summary>
    public RuntimeMetrics(IMeterFactory meterFactory, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _apiRequests = _meter.CreateCounter<long>(
            ApiRequestsName,
            unit: "{request}",
            description: "Requests sent to the Kubernetes apiserver, by verb and response code (error: no response)");

        // Resolved at collection time: the controllers depend on services that are built after this one.
        _meter.CreateObservableGauge(
            WorkQueueDepthName,
            () => services.GetServices<IController>().Select(c => new Measurement<int>(c.QueueDepth, new KeyValuePair<string, object?>("controller", c.Name))),
            unit: "{key}",
            description: "Keys waiting to be reconciled, per controller");
    }

    /// <summary>Counts one apiserver request.</summary>
    public void ApiRequest(string verb, string code) =>
        _apiRequests.Add(1, new KeyValuePair<string, object?>("verb", verb), new KeyValuePair<string, object?>("code", code));

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
