using Microsoft.Extensions.Hosting;

namespace PoolOperator.Client;

/// <summary>Starts following the flags with the host, so the first request already sees them.</summary>
internal sealed class PoolMigrationHostedService(PoolMigrationClient client) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => client.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => client.StopAsync(cancellationToken);
}
