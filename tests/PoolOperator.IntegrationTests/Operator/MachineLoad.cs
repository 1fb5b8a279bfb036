using System.Globalization;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// The machine's one-minute load per core, printed next to a measured latency so a slow figure can be read
/// against how busy the CPUs were.
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
}
