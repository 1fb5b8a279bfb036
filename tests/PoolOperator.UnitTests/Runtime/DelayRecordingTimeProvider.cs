using System.Collections.Concurrent;

namespace PoolOperator.UnitTests.Runtime;

/// <summary>
/// A fake clock that remembers the due time of every timer created on it, so a test can read the delay the code
/// chose instead of inferring it from how far it advanced the clock (which depends on how fast the code reacts).
/// </summary>
internal sealed class DelayRecordingTimeProvider(TimeProvider inner) : TimeProvider
{
    public ConcurrentQueue<TimeSpan> DueTimes { get; } = new();

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        DueTimes.Enqueue(dueTime);
        return inner.CreateTimer(callback, state, dueTime, period);
    }
}
