namespace PoolOperator.Analysis;

/// <summary>
/// Hands out pooled HttpClients for analysis calls: one name for system trust, one name per custom CA so a CA given
/// to one check never widens the trust of another. Instrumentation (OpenTelemetry) is the host's choice.
/// </summary>
internal sealed class AnalysisHttpClients(IHttpClientFactory factory)
{
    public const string ClientName = "PoolOperator.Analysis";
    public const string CaClientPrefix = "PoolOperator.Analysis.CA.";

    public HttpClient Create(CaBundle? ca) => factory.CreateClient(ca is null ? ClientName : CaClientPrefix + ca.Fingerprint);
}
