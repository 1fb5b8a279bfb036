using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace PoolOperator.Client;

/// <summary>
/// A Polly circuit breaker around live V2 calls. While it is open, V2's share of calls goes to V1; after the break
/// one trial call goes to V2 and closes it again or re-opens it.
/// </summary>
internal sealed partial class V2CircuitBreaker
{
    private readonly ResiliencePipeline pipeline;
    private readonly CircuitBreakerManualControl manualControl = new();
    private readonly bool enabled;
    private readonly TimeProvider time;
    private long openUntilTicks;

    // Mirrors Polly's state from its callbacks: read on every decision, where the state provider's lock would cost.
    private volatile BreakerState state = BreakerState.Closed;

    public V2CircuitBreaker(BreakerOptions options, TimeProvider time, Action<BreakerState> changed, ILogger logger)
    {
        enabled = options.Enabled;
        this.time = time;
        if (!enabled)
        {
            pipeline = ResiliencePipeline.Empty;
            return;
        }

        pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                // A caller giving up is not V2 failing.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
                ManualControl = manualControl,
                OnOpened = args =>
                {
                    // Isolation opens "forever" (TimeSpan.MaxValue): saturate instead of overflowing.
                    var now = time.GetUtcNow().UtcTicks;
                    var until = args.BreakDuration.Ticks >= DateTimeOffset.MaxValue.UtcTicks - now ? DateTimeOffset.MaxValue.UtcTicks : now + args.BreakDuration.Ticks;
                    Interlocked.Exchange(ref openUntilTicks, until);
                    LogOpened(logger, args.BreakDuration.TotalSeconds, args.Outcome.Exception?.GetType().Name ?? "failure");
                    state = args.IsManual ? BreakerState.Isolated : BreakerState.Open;
                    changed(state);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    LogHalfOpened(logger);
                    state = BreakerState.HalfOpen;
                    changed(BreakerState.HalfOpen);
                    return default;
                },
                OnClosed = _ =>
                {
                    LogClosed(logger);
                    state = BreakerState.Closed;
                    changed(BreakerState.Closed);
                    return default;
                },
            })
            .Build();
    }

    public BreakerState State => state;

    /// <summary>
    /// True while V2 calls would be refused. Polly moves to half-open only when a call is attempted after the break,
    /// so once the break has elapsed this turns false and the next call becomes the trial.
    /// </summary>
    public bool RefusesCalls => State switch
    {
        BreakerState.Isolated => true,
        BreakerState.Open => time.GetUtcNow().UtcTicks < Interlocked.Read(ref openUntilTicks),
        BreakerState.Closed or BreakerState.HalfOpen => false,
        _ => false,
    };

    /// <summary>Runs <paramref name="call"/> through the breaker; throws <see cref="BrokenCircuitException"/> when open.</summary>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(static (state, token) => state(token), call, cancellationToken);

    public Task IsolateAsync(CancellationToken cancellationToken) =>
        enabled ? manualControl.IsolateAsync(cancellationToken) : Task.CompletedTask;

    public Task CloseAsync(CancellationToken cancellationToken) =>
        enabled ? manualControl.CloseAsync(cancellationToken) : Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit breaker opened: V2 failed past the threshold (last: {Failure}); its calls go to V1 for {Seconds} s")]
    private static partial void LogOpened(ILogger logger, double seconds, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit breaker half-open: the next V2 call is a trial")]
    private static partial void LogHalfOpened(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit breaker closed: V2 gets its share of calls again")]
    private static partial void LogClosed(ILogger logger);
}
