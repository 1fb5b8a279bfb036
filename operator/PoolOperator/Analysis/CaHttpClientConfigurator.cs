using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace PoolOperator.Analysis;

/// <summary>Configures, on first use, the handler of a per-CA client name with validation against that CA only.</summary>
internal sealed class CaHttpClientConfigurator(CaTrustStore caTrustStore) : IConfigureNamedOptions<HttpClientFactoryOptions>
{
    public void Configure(string? name, HttpClientFactoryOptions options)
    {
        if (name is null || !name.StartsWith(AnalysisHttpClients.CaClientPrefix, StringComparison.Ordinal))
        {
            return;
        }

        // The name is only handed out after the CA was stored, so a miss is a programming error; failing beats
        // silently building a client with the system trust.
        var ca = caTrustStore.Find(name[AnalysisHttpClients.CaClientPrefix.Length..])
            ?? throw new InvalidOperationException($"No CA is registered for HTTP client '{name}'.");

        options.ShouldRedactHeaderValue = _ => true;
        options.HttpClientActions.Add(client => client.Timeout = Timeout.InfiniteTimeSpan);
        options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, chain, errors) => CaTrustStore.Validate(ca, certificate, chain, errors) },
        });
    }

    public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);
}
