namespace PoolOperator.Kubectl.Actions;

/// <summary>
/// What an action writes: annotations to set (or remove, when null), and what to tell the person. A request that
/// does not apply writes nothing and says why (<see cref="Refusal"/>); one already in effect writes nothing either.
/// </summary>
internal sealed record ActionRequest(IReadOnlyDictionary<string, string?> Annotations, string Message, string? Refusal = null)
{
    public bool Applies => Refusal is null;

    public bool ChangesNothing => Applies && Annotations.Count == 0;

    public static ActionRequest Refused(string why) => new(new Dictionary<string, string?>(), "", why);

    public static ActionRequest AlreadyInEffect(string message) => new(new Dictionary<string, string?>(), message);
}
