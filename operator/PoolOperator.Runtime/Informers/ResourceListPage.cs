namespace PoolOperator.Runtime.Informers;

/// <summary>One page of a list call: the items, the collection's resourceVersion and the continue token.</summary>
/// <param name="Items">The objects on this page.</param>
/// <param name="ResourceVersion">The list's resourceVersion, to start a watch from.</param>
/// <param name="Continue">The token for the next page, or null on the last page.</param>
public sealed record ResourceListPage<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue);
