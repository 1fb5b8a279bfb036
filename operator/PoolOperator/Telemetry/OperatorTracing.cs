using System.Diagnostics;

namespace PoolOperator.Telemetry;

/// <summary>
/// One trace per reconcile (<c>reconcile</c>), with a child span for each step: <c>observe</c> (caches and
/// validation), <c>measure</c> (the checks that were due), <c>persist</c> (the status write) and <c>apply</c>
/// (scaling, routing and Events). Exported over OTLP when an endpoint is configured.
/// </summary>
internal static class OperatorTracing
{
    public const string SourceName = "PoolOperator";

    public static readonly ActivitySource Source = new(SourceName);
}
