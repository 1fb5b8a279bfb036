using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Runtime.Informers;

/// <summary>Delivers informer changes to every subscriber, so one failing subscriber neither stops the others nor the informer.</summary>
internal static class ChangeDispatcher
{
    public static void Raise<T>(Action<InformerEvent<T>>? handlers, IReadOnlyList<InformerEvent<T>> events, ILogger logger, string description)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (handlers is null || events.Count == 0)
        {
            return;
        }

        var subscribers = handlers.GetInvocationList();
        foreach (var change in events)
        {
            foreach (var subscriber in subscribers)
            {
                try
                {
                    ((Action<InformerEvent<T>>)subscriber)(change);
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "A {Resource} change handler failed", description);
                }
            }
        }
    }
}
