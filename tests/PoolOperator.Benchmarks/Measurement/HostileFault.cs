namespace PoolOperator.Benchmarks.Measurement;

/// <summary>
/// One way a metric provider misbehaves, served by <see cref="HostileProviders"/>, and the words a migration's status
/// must carry to name it: the check's message holds at least one of <see cref="NamedBy"/>.
/// </summary>
internal sealed record HostileFault(string Name, string Behaviour, IReadOnlyList<string> NamedBy)
{
    public static readonly HostileFault Trickle = new(
        "trickle",
        "answers 200 with the start of a JSON body, then one space every 100 ms, forever",
        // Once enough calls to one address time out its circuit opens and the message says so instead, until a probe.
        ["did not answer in time", "circuit open for http://127.0.0.1:"]);

    public static readonly HostileFault Huge = new(
        "50mb",
        "answers a 50 MB body (a valid start, then padding)",
        ["response is too large"]);

    public static readonly HostileFault JunkJson = new(
        "junk-json",
        "answers JSON that breaks off in the middle",
        ["response is not Prometheus API JSON (content type application/json)"]);

    public static readonly HostileFault WrongContentType = new(
        "wrong-content-type",
        "answers an HTML login page as text/html",
        ["response is not Prometheus API JSON (content type text/html)"]);

    public static readonly HostileFault Redirect = new(
        "redirect",
        "answers 302 Found to the same query on another host (localhost instead of 127.0.0.1)",
        ["redirects are not followed"]);

    public static readonly HostileFault Tls = new(
        "tls",
        "serves HTTPS with a self-signed certificate",
        ["The SSL connection could not be established"]);

    public static readonly HostileFault NaN = new(
        "nan",
        "answers a vector whose value is NaN",
        ["value is NaN"]);

    public static readonly HostileFault Matrix = new(
        "matrix",
        "answers a range vector (matrix) where an instant vector is expected",
        ["query returned a range vector (matrix)"]);

    /// <summary>Every fault, in the order hostile migrations are dealt to them.</summary>
    public static IReadOnlyList<HostileFault> All { get; } = [Trickle, Huge, JunkJson, WrongContentType, Redirect, Tls, NaN, Matrix];

    /// <summary>Whether a check with this verdict and message says that this fault is the provider's.</summary>
    public bool IsNamedBy(string? verdict, string? message) =>
        verdict == "Inconclusive" && message is not null && NamedBy.Any(words => message.Contains(words, StringComparison.Ordinal));
}
