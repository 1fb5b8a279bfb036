namespace PoolOperator.Analysis.Prometheus;

/// <summary>
/// One measurement's queries against one Prometheus: where, with which credentials, the instant every query is
/// evaluated at, the deadline of the whole measurement and the time one attempt may take.
/// </summary>
internal sealed record PrometheusQueryCall(
    Uri BaseUri, string Address, ResolvedCredentials Credentials, DateTimeOffset EvaluationTime, DateTimeOffset Deadline, TimeSpan AttemptTimeout);
