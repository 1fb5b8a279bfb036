namespace PoolOperator.Client;

/// <summary>Keeps a <see cref="FlagsStore"/> up to date from one place the document is published.</summary>
internal interface IFlagsSource : IAsyncDisposable
{
    /// <summary>Reads the document once (so decisions right after start-up are right) and starts following changes.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops following changes; the last state read stays in use.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
