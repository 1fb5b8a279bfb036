using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;
using PoolOperator.Runtime.Informers;
using Xunit;

namespace PoolOperator.IntegrationTests.Runtime;

/// <summary>What the informer tests against the apiserver share: collecting change events, and waiting on a condition.</summary>
internal static class InformerWaits
{
    public static ConcurrentQueue<InformerEvent<T>> Collect<T>(IInformer<T> informer)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var events = new ConcurrentQueue<InformerEvent<T>>();
        informer.Changed += events.Enqueue;
        return events;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; returns how long that took, so a test can print it.</summary>
    public static async Task<TimeSpan> Until(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, $"not within {timeout.TotalSeconds:F1} s: {what}");
            await Task.Delay(5);
        }

        return clock.Elapsed;
    }
}
