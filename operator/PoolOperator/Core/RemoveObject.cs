namespace PoolOperator.Core;

/// <summary>
/// Removes one object of a completed migration's cleanup (<see cref="CleanupPolicies"/> kinds): deletes it, or for an
/// HTTPRoute removes V1's backendRef from its rules. An object already gone is no error.
/// </summary>
internal sealed record RemoveObject(string Kind, string Name) : MigrationAction;
