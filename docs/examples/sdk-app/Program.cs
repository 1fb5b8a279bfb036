using OpenTelemetry.Metrics;
using PoolOperator.Client;
using SdkApp;

// A quote service being migrated from QuoteServiceV1 to QuoteServiceV2 with PoolOperator.
//   dotnet run --project docs/examples/sdk-app -- --urls http://127.0.0.1:5080
// Flags:  PoolMigration__FlagsDirectory=/path/to/dir (holding rollout.json; default /etc/pool-migration)
// V2:     SDK_APP_V2_MODE=same (default) | diverge (other prices) | fail (every V2 call throws)
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddPoolMigration();
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(PoolMigrationClient.MeterName).AddPrometheusExporter());
builder.Services.AddSingleton<QuoteServiceV1>();
builder.Services.AddSingleton(services => new QuoteServiceV2(V2Modes.Parse(services.GetRequiredService<IConfiguration>()["SDK_APP_V2_MODE"])));

var app = builder.Build();

// Sticky by session: the same X-Session-Id always lands on the same pool at a given percentage.
app.MapGet("/quote/{sku}", (string sku, HttpRequest request, PoolMigrationClient migration, QuoteServiceV1 v1, QuoteServiceV2 v2, CancellationToken cancellationToken) =>
    migration.ExecuteAsync(
        SessionKey.Of(request),
        token => v1.QuoteAsync(sku, token),
        token => v2.QuoteAsync(sku, token),
        operation: "quote",
        cancellationToken: cancellationToken));

app.MapGet("/flags", (PoolMigrationClient migration) => new { flags = migration.Flags, status = migration.FlagsStatus, breaker = migration.BreakerState.ToString() });
app.MapGet("/shadow", (PoolMigrationClient migration) => migration.GetShadowReport());
app.MapPrometheusScrapingEndpoint("/metrics");

app.Run();
