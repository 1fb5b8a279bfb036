using Microsoft.Extensions.Logging;

namespace PoolOperator.Client;

/// <summary>
/// The flag state in use. Sources hand it whatever they read; a missing or malformed document never replaces a good
/// one, and a problem is logged once when it starts (and once when it clears) however often it is re-read.
/// </summary>
internal sealed partial class FlagsStore(PoolMigrationMetrics metrics, TimeProvider time, ILogger logger)
{
    private readonly Lock gate = new();
    private volatile RolloutFlags current = RolloutFlags.None;
    private volatile FlagsStatus status = new("", false, false, "no flags document read yet", null);
    private byte[]? lastApplied;
    private string? loggedProblem;

    public event EventHandler<RolloutFlags>? Changed;

    public RolloutFlags Current => current;

    public FlagsStatus Status => status;

    public void Apply(ReadOnlySpan<byte> document, string source)
    {
        RolloutFlags changed;
        lock (gate)
        {
            if (lastApplied is not null && document.SequenceEqual(lastApplied))
            {
                Recovered(source);
                metrics.FlagsRead(current.Migration, "unchanged");
                return;
            }

            if (!RolloutFlagsParser.TryParse(document, out var flags, out var error))
            {
                Problem(source, "malformed", $"the flags document at {source} is malformed ({error})");
                return;
            }

            lastApplied = document.ToArray();
            current = flags;
            status = new FlagsStatus(source, true, true, null, time.GetUtcNow());
            Recovered(source);
            LogApplied(logger, flags.Migration, flags.Generation, flags.Phase, flags.EffectiveV2Percent, flags.EffectiveShadowPercent, flags.Overrides.Count, source);
            metrics.FlagsRead(flags.Migration, "applied");
            changed = flags;
        }

        Changed?.Invoke(this, changed);
    }

    public void Missing(string source, string detail) =>
        Report(source, "missing", $"the flags document at {source} is missing ({detail})");

    public void Failed(string source, Exception exception) =>
        Report(source, "error", $"the flags document at {source} could not be read ({exception.GetType().Name}: {exception.Message})");

    private void Report(string source, string result, string problem)
    {
        lock (gate)
        {
            Problem(source, result, problem);
        }
    }

    private void Problem(string source, string result, string problem)
    {
        var hasDocument = current.IsDocument;
        status = status with { Source = source, LastReadValid = false, Problem = problem, HasDocument = hasDocument };
        metrics.FlagsRead(current.Migration, result);
        if (loggedProblem != problem)
        {
            loggedProblem = problem;
            if (hasDocument)
            {
                LogKeptLastGood(logger, problem, current.Migration, current.Generation);
            }
            else
            {
                LogAllOnV1(logger, problem);
            }
        }
    }

    private void Recovered(string source)
    {
        if (loggedProblem is not null)
        {
            loggedProblem = null;
            LogRecovered(logger, source);
        }

        status = status with { Source = source, LastReadValid = true, Problem = null };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Flags applied: migration {Migration} generation {Generation}, phase {Phase}, v2 {V2Percent}%, shadow {ShadowPercent}%, {OverrideCount} session overrides (from {Source})")]
    private static partial void LogApplied(ILogger logger, string migration, long generation, string phase, int v2Percent, int shadowPercent, int overrideCount, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}; keeping the last good flags (migration {Migration} generation {Generation})")]
    private static partial void LogKeptLastGood(ILogger logger, string problem, string migration, long generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}; every session goes to V1 until a valid document is read")]
    private static partial void LogAllOnV1(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "The flags document at {Source} is readable again")]
    private static partial void LogRecovered(ILogger logger, string source);
}
