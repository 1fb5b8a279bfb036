namespace PoolOperator.Runtime.Informers;

/// <summary>Timings and page size of a <see cref="Reflector{T}"/>, shared by all reflectors of one informer.</summary>
internal sealed class ReflectorSettings
{
    /// <summary>How long a failing list or watch waits first before retrying; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between reconnect attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Range of the server-side timeout of each watch, randomized so watches of many clients do not expire together.</summary>
    public (int Min, int Max) WatchTimeoutSeconds { get; set; } = (300, 600);

    /// <summary>Objects per list page.</summary>
    public int PageSize { get; set; } = 500;
}
