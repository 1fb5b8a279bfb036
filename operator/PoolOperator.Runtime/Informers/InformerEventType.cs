namespace PoolOperator.Runtime.Informers;

/// <summary>The kind of change an informer observed.</summary>
public enum InformerEventType
{
    /// <summary>The object appeared in the cache.</summary>
    Added,

    /// <summary>The object changed (its resourceVersion moved).</summary>
    Modified,

    /// <summary>The object left the cache (deleted, or found missing by a relist).</summary>
    Deleted,
}
