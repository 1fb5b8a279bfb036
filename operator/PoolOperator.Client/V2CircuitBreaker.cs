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
    private readonly CircuitBreakerStateProvider stateProvider = new();
    private readonly CircuitBreakerManualControl manualControl = new();
    private readonly bool enabled;

    public V2CircuitBreaker(BreakerOptions options, TimeProvider time, Action<BreakerState> changed, ILogger logger)
    {
        enabled = options.Enabled;
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
                StateProvider = stateProvider,
                ManualControl = manualControl,
                OnOpened = args =>
                {
                    LogOpened(logger, args.BreakDuration.TotalSeconds, args.Outcome.Exception?.GetType().Name ?? "failure");
                    changed(args.IsManual ? BreakerState.Isolated : BreakerState.Open);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    LogHalfOpened(logger);
                    changed(BreakerState.HalfOpen);
                    return default;
                },
                OnClosed = _ =>
                {
                    LogClosed(logger);
                    changed(BreakerState.Closed);
                    return default;
                },
            })
            .Build();
    }

    public BreakerState State => !enabled ? BreakerState.Closed : stateProvider.CircuitState switch
    {
        CircuitState.Open => BreakerState.Open,
        CircuitState.HalfOpen => BreakerState.HalfOpen,
        CircuitState.Isolated => BreakerState.Isolated,
        CircuitState.Closed => BreakerState.Closed,
        _ => BreakerState.Closed,
    };

    /// <summary>True when a live V2 call would be refused right now.</summary>
    public bool RefusesCalls => State is BreakerState.Open or BreakerState.Isolated;

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
