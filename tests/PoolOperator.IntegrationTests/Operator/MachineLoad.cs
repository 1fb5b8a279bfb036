using System.Globalization;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// The machine's one-minute load per core, so a latency bound can allow a little extra, and say so, when the
/// test shares the CPUs with other builds.
/// </summary>
internal static class MachineLoad
{
    public static double PerCore()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture) / Environment.ProcessorCount;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    /// <summary><paramref name="bound"/>, plus <paramref name="slack"/> when more than one runnable task waits per core.</summary>
    public static TimeSpan Allow(TimeSpan bound, TimeSpan slack) => PerCore() > 1 ? bound + slack : bound;
}
