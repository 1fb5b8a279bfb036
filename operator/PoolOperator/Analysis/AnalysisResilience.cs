using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;

namespace PoolOperator.Analysis;

/// <summary>
/// One Polly pipeline per provider and address (scheme://host:port): retry with jittered backoff, then a circuit
/// breaker, then the per-attempt timeout. A dead Prometheus thus opens only its own circuit, and once open every
/// check against it is answered at once instead of waiting for its timeout.
/// </summary>
internal sealed class AnalysisResilience(IOptions<AnalysisOptions> options, TimeProvider timeProvider, ILoggerFactory loggerFactory) : IDisposable, IAsyncDisposable
{
    private static readonly ResiliencePropertyKey<DateTimeOffset> DeadlineKey = new("PoolOperator.Analysis.Deadline");
    private static readonly ResiliencePropertyKey<TimeSpan> AttemptTimeoutKey = new("PoolOperator.Analysis.AttemptTimeout");

    // Polly refuses timeouts of 10 ms or less; an attempt with less left than this is pointless anyway.
    private static readonly TimeSpan MinimumAttempt = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaximumRetryDelay = TimeSpan.FromSeconds(5);

    private readonly ResiliencePipelineRegistry<string> registry = new();

    /// <summary>Policies decided by the provider: which outcomes are worth another attempt, and which count against the address.</summary>
    public sealed record Policy(string Provider, Func<Outcome<HttpAttemptResult>, bool> RetryOn, Func<Outcome<HttpAttemptResult>, bool> BreakOn);

    /// <summary>
    /// Runs <paramref name="attempt"/> through the pipeline of <paramref name="address"/>. Each attempt gets at most
    /// <paramref name="attemptTimeout"/> and never runs past <paramref name="deadline"/>; no retry starts without time left.
    /// Throws <see cref="BrokenCircuitException"/>, <see cref="TimeoutRejectedException"/> or the attempt's own exception.
    /// </summary>
    public async Task<HttpAttemptResult> ExecuteAsync(
        Policy policy,
        string address,
        DateTimeOffset deadline,
        TimeSpan attemptTimeout,
        Func<CancellationToken, Task<HttpAttemptResult>> attempt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var pipeline = registry.GetOrAddPipeline<HttpAttemptResult>($"{policy.Provider} {address}", (builder, _) => Configure(builder, policy));
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(DeadlineKey, deadline);
            context.Properties.Set(AttemptTimeoutKey, attemptTimeout);
            return await pipeline.ExecuteAsync(
                static async (ctx, state) => await state(ctx.CancellationToken).ConfigureAwait(false),
                context,
                attempt).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public void Dispose() => registry.Dispose();

    public ValueTask DisposeAsync() => registry.DisposeAsync();

    private void Configure(ResiliencePipelineBuilder<HttpAttemptResult> builder, Policy policy)
    {
        var settings = options.Value;
        builder.TimeProvider = timeProvider;
        builder.InstanceName = "PoolOperator.Analysis";
        if (settings.RetryCount > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpAttemptResult>
            {
                MaxRetryAttempts = settings.RetryCount,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
                MaxDelay = MaximumRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(policy.RetryOn(args.Outcome) && HasTimeForRetry(args.Context, args.AttemptNumber, settings)),
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpAttemptResult>
        {
            FailureRatio = settings.BreakerFailureRatio,
            MinimumThroughput = settings.BreakerMinimumThroughput,
            SamplingDuration = settings.BreakerSamplingDuration,
            BreakDuration = settings.BreakerBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(policy.BreakOn(args.Outcome)),
        });

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(AttemptTimeout(args.Context)),
        });

        builder.ConfigureTelemetry(new TelemetryOptions
        {
            LoggerFactory = loggerFactory,

            // A response body may echo credentials back; telemetry gets the status only.
            ResultFormatter = (_, result) => result is HttpAttemptResult http ? http.StatusCode : result,

            // Every attempt is an Information event in Polly; at one check every few seconds that drowns the
            // retries, timeouts and circuit transitions worth reading.
            SeverityProvider = args => args.Event.Severity == ResilienceEventSeverity.Information ? ResilienceEventSeverity.Debug : args.Event.Severity,
        });
    }

    private TimeSpan Remaining(ResilienceContext context) =>
        context.Properties.GetValue(DeadlineKey, DateTimeOffset.MinValue) - timeProvider.GetUtcNow();

    private TimeSpan AttemptTimeout(ResilienceContext context)
    {
        var perAttempt = context.Properties.GetValue(AttemptTimeoutKey, MinimumAttempt);
        var remaining = Remaining(context);
        return TimeSpan.FromTicks(Math.Max(MinimumAttempt.Ticks, Math.Min(perAttempt.Ticks, remaining.Ticks)));
    }

    private bool HasTimeForRetry(ResilienceContext context, int attemptNumber, AnalysisOptions settings)
    {
        // Expected backoff doubles per attempt; leave room for that wait and a short attempt after it.
        var expectedDelay = TimeSpan.FromTicks(Math.Min(MaximumRetryDelay.Ticks, settings.RetryBaseDelay.Ticks << Math.Min(attemptNumber, 20)));
        return Remaining(context) > expectedDelay + MinimumAttempt + MinimumAttempt;
    }
}
