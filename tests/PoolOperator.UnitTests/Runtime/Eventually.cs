using System.Diagnostics;
using Xunit;

namespace PoolOperator.UnitTests.Runtime;

/// <summary>Waits for a condition that other threads make true, failing after a deadline.</summary>
internal static class Eventually
{
    public static async Task True(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (deadline.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:F0}s waiting until {because}.");
            }

            await Task.Delay(2);
        }
    }
}
