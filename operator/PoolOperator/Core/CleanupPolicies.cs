namespace PoolOperator.Core;

/// <summary>The values of <c>spec.completion.cleanup.policy</c>, the kinds of object a cleanup removes, and how each removal ended.</summary>
internal static class CleanupPolicies
{
    public const string ScaleToZero = "ScaleToZero";
    public const string Delete = "Delete";

    public const string Deployment = "Deployment";
    public const string HorizontalPodAutoscaler = "HorizontalPodAutoscaler";
    public const string Service = "Service";
    public const string ConfigMap = "ConfigMap";

    /// <summary>For this kind the cleanup removes V1's backendRef from the route's rules; the route stays.</summary>
    public const string HttpRoute = "HTTPRoute";

    public const string Deleted = "Deleted";
    public const string BackendRemoved = "BackendRemoved";
    public const string AlreadyGone = "AlreadyGone";
    public const string Kept = "Kept";

    public static string Key(string kind, string name) => $"{kind}/{name}";
}
