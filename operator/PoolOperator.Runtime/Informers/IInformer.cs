namespace PoolOperator.Runtime.Informers;

/// <summary>The part of an informer a host needs to run it and to report whether its cache is complete.</summary>
public interface IInformer
{
    /// <summary>A short name for logs and health details.</summary>
    string Description { get; }

    /// <summary>True once every watched namespace has been listed in the current run.</summary>
    bool HasSynced { get; }

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Completes once <see cref="HasSynced"/> is true.</summary>
    Task WaitForSyncAsync(CancellationToken cancellationToken);
}
