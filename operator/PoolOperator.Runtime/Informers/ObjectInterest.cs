namespace PoolOperator.Runtime.Informers;

/// <summary>One thing an owner wants cached: objects in <paramref name="Namespace"/>, by <paramref name="Name"/> and/or matching <paramref name="Selector"/> (null: any).</summary>
/// <param name="Namespace">The namespace the objects live in.</param>
/// <param name="Name">Only the object of this name; null for any name.</param>
/// <param name="Selector">Only objects whose labels match this selector; null for any labels.</param>
public sealed record ObjectInterest(string Namespace, string? Name = null, k8s.Models.V1LabelSelector? Selector = null);
