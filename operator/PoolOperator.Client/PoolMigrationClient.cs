using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;

namespace PoolOperator.Client;

/// <summary>
/// The application's side of a PoolMigration: follows the flags the operator publishes, decides V1 or V2 per
/// session, runs calls there, shadows V2 behind V1 and compares, and keeps V2 behind a circuit breaker.
/// One instance per migration, shared by the whole process (register it with <c>AddPoolMigration</c>).
/// </summary>
public sealed partial class PoolMigrationClient : IAsyncDisposable
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name to add to OpenTelemetry: <c>PoolOperator.Client</c>.</summary>
    public const string MeterName = PoolMigrationMetrics.MeterName;

    private const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    private readonly PoolMigrationOptions options;
    private readonly FlagsStore store;
    private readonly IFlagsSource? source;
    private readonly IKubernetes? ownedKubernetes;
    private readonly PoolMigrationMetrics metrics;
    private readonly ShadowExecutor shadow;
    private readonly ShadowStatistics statistics;
    private readonly V2CircuitBreaker breaker;
    private readonly JsonSerializerOptions serializerOptions;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Pool? environmentForce;
    private int started;
    private int disposed;

    /// <summary>Creates a client; call <see cref="StartAsync"/> (the hosted service does) to start reading flags.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="loggerFactory">Where problems and changes are logged.</param>
    /// <param name="timeProvider">The clock for rechecks, timeouts and the breaker.</param>
    /// <param name="meterFactory">Creates the <c>PoolOperator.Client</c> meter; a standalone meter when null.</param>
    /// <param name="kubernetes">The API client for <see cref="FlagsSourceKind.Kubernetes"/>; built from the default kubeconfig or in-cluster config when null.</param>
    public PoolMigrationClient(
        PoolMigrationOptions options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null,
        IKubernetes? kubernetes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        PoolMigrationOptionsValidator.ThrowIfInvalid(options);
        this.options = options;
        time = timeProvider ?? TimeProvider.System;
        logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PoolMigrationClient>();
        serializerOptions = options.Comparison.SerializerOptions ?? JsonSerializerOptions.Web;
        metrics = new PoolMigrationMetrics(meterFactory);
        store = new FlagsStore(metrics, time, logger);
        store.Changed += (_, flags) => FlagsChanged?.Invoke(this, flags);
        breaker = new V2CircuitBreaker(options.Breaker, time, OnBreakerChanged, logger);
        statistics = new ShadowStatistics(options.Shadow.MismatchSampleSize);
        shadow = new ShadowExecutor(options.Shadow, new ResultComparer(options.Comparison), statistics, metrics,
            () => store.Current.Migration, OnCompared, time, logger);
        metrics.Observe(() => store.Current, () => store.Status.LastReadValid, () => breaker.State);
        environmentForce = ReadEnvironmentForce(options.ForceEnvironmentVariable);

        switch (options.Source)
        {
            case FlagsSourceKind.File:
                source = new FileFlagsSource(store, options.FlagsDirectory, options.FlagsKey, options.WatchFileSystem,
                    options.RecheckInterval, time, logger);
                break;
            case FlagsSourceKind.Kubernetes:
                if (kubernetes is null)
                {
                    ownedKubernetes = new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig());
                    kubernetes = ownedKubernetes;
                }

                source = new KubernetesFlagsSource(store, kubernetes, ResolveNamespace(options), options.ConfigMapName!,
                    options.FlagsKey, time, logger);
                break;
            case FlagsSourceKind.None:
            default:
                break;
        }
    }

    /// <summary>Raised after a new valid flags document is applied.</summary>
    public event EventHandler<RolloutFlags>? FlagsChanged;

    /// <summary>Raised when the circuit breaker changes state.</summary>
    public event EventHandler<BreakerState>? BreakerStateChanged;

    /// <summary>Raised on a shadow worker after each comparison; handlers must be quick and must not throw.</summary>
    public event EventHandler<ShadowComparison>? ComparisonCompleted;

    /// <summary>The flag state in use (<see cref="RolloutFlags.None"/> until a valid document is read).</summary>
    public RolloutFlags Flags => store.Current;

    /// <summary>How reading the flags document is going.</summary>
    public FlagsStatus FlagsStatus => store.Status;

    /// <summary>The circuit breaker's state.</summary>
    public BreakerState BreakerState => breaker.State;

    /// <summary>The pool forced by <see cref="PoolMigrationOptions.ForceEnvironmentVariable"/>, read once at construction.</summary>
    public Pool? EnvironmentForce => environmentForce;

    /// <summary>Reads the flags once and starts following changes. Safe to call more than once.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (source is not null && Interlocked.Exchange(ref started, 1) == 0)
        {
            await source.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops following flag changes; the last state read stays in use.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (source is not null && Interlocked.Exchange(ref started, 0) == 1)
        {
            await source.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies a flags document given in code, as if read from the source; malformed documents are reported and
    /// ignored like any other. For <see cref="FlagsSourceKind.None"/>, tests and tools.
    /// </summary>
    public void ApplyDocument(string rolloutJson)
    {
        ArgumentNullException.ThrowIfNull(rolloutJson);
        store.Apply(Encoding.UTF8.GetBytes(rolloutJson), "code");
    }

    /// <summary>
    /// Decides where a call for <paramref name="sessionKey"/> goes, and counts it in
    /// <c>poolmigration.selections</c>. Precedence: <paramref name="force"/>, then
    /// <see cref="PoolMigrationOptions.Force"/>, then the environment, then a rollback phase (all V1), then the
    /// document's per-session overrides, then the session's bucket against <c>v2Percent</c>. V2 is replaced by V1
    /// while the circuit breaker is open, except when forced.
    /// </summary>
    public PoolDecision Decide(string sessionKey, Pool? force = null)
    {
        var flags = store.Current;
        var decision = DecideFor(flags, sessionKey, force);
        metrics.Selected(flags.Migration, decision.Pool, decision.Reason);
        return decision;
    }

    /// <summary>
    /// Runs one call for <paramref name="sessionKey"/> on the pool <see cref="Decide"/> picks. V2 calls go through
    /// the circuit breaker (open: the call runs on V1). When the session is shadowed, V1 answers and, once it has,
    /// V2 runs the same call in the background; its outcome is compared with V1's and never reaches the caller.
    /// The <paramref name="v2"/> delegate may run after this call returns, so it must not use request-scoped objects.
    /// </summary>
    public ValueTask<T> ExecuteAsync<T>(
        string sessionKey,
        Func<CancellationToken, ValueTask<T>> v1,
        Func<CancellationToken, ValueTask<T>> v2,
        string? operation = null,
        Pool? force = null,
        CancellationToken cancellationToken = default) =>
        ExecuteCoreAsync(sessionKey, v1, v2, operation ?? "", force, null, cancellationToken);

    /// <summary>Starts building a typed compatibility router: the old API in front, V1 or V2 behind.</summary>
    public CompatibilityRouterBuilder<TRequest, TResponse> Route<TRequest, TResponse>(string operation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operation);
        return new CompatibilityRouterBuilder<TRequest, TResponse>(this, operation);
    }

    /// <summary>Totals of the shadow comparisons so far, with the latest mismatches.</summary>
    public ShadowReport GetShadowReport() => statistics.Snapshot();

    /// <summary>Holds the breaker open by hand: every V2 call goes to V1 until <see cref="ResetBreakerAsync"/>.</summary>
    public Task IsolateV2Async(CancellationToken cancellationToken = default) => breaker.IsolateAsync(cancellationToken);

    /// <summary>Closes the breaker by hand.</summary>
    public Task ResetBreakerAsync(CancellationToken cancellationToken = default) => breaker.CloseAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        if (source is not null)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }

        await shadow.DisposeAsync().ConfigureAwait(false);
        metrics.Dispose();
        ownedKubernetes?.Dispose();
    }

    internal Meter Meter => metrics.Meter;

    internal PoolMigrationMetrics Metrics => metrics;

    internal ILogger Logger => logger;

    internal async ValueTask<T> ExecuteCoreAsync<T>(
        string sessionKey,
        Func<CancellationToken, ValueTask<T>> v1,
        Func<CancellationToken, ValueTask<T>> v2,
        string operation,
        Pool? force,
        Action<Pool>? answered,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(v1);
        ArgumentNullException.ThrowIfNull(v2);
        var flags = store.Current;
        var decision = DecideFor(flags, sessionKey, force);
        if (decision.Pool == Pool.V2)
        {
            try
            {
                var result = decision.Reason is DecisionReason.Programmatic or DecisionReason.Environment
                    ? await v2(cancellationToken).ConfigureAwait(false)
                    : await breaker.ExecuteAsync(v2, cancellationToken).ConfigureAwait(false);
                Answered(flags, decision, answered);
                return result;
            }
            catch (BrokenCircuitException)
            {
                // Opened since the decision, or half-open with its trial call already taken.
                decision = new PoolDecision(Pool.V1, DecisionReason.BreakerOpen, false);
            }
            catch
            {
                Answered(flags, decision, answered);
                throw;
            }
        }

        Answered(flags, decision, answered);
        if (!decision.Shadow)
        {
            return await v1(cancellationToken).ConfigureAwait(false);
        }

        T primary;
        try
        {
            primary = await v1(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            shadow.TryEnqueue(new TypedShadowWork<T>(sessionKey, operation, default, ex, v2, serializerOptions));
            throw;
        }

        shadow.TryEnqueue(new TypedShadowWork<T>(sessionKey, operation, primary, null, v2, serializerOptions));
        return primary;
    }

    private PoolDecision DecideFor(RolloutFlags flags, string sessionKey, Pool? force)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        if (force is { } forced)
        {
            return new PoolDecision(forced, DecisionReason.Programmatic, false);
        }

        if (options.Force is { } clientForced)
        {
            return new PoolDecision(clientForced, DecisionReason.Programmatic, false);
        }

        if (environmentForce is { } environmentForced)
        {
            return new PoolDecision(environmentForced, DecisionReason.Environment, false);
        }

        if (!flags.IsDocument)
        {
            return new PoolDecision(Pool.V1, DecisionReason.NoFlags, false);
        }

        if (flags.IsRollback)
        {
            return new PoolDecision(Pool.V1, DecisionReason.Rollback, false);
        }

        if (flags.Overrides.Count > 0 && flags.Overrides.TryGetValue(sessionKey, out var pinned))
        {
            return pinned == Pool.V2 && breaker.RefusesCalls
                ? new PoolDecision(Pool.V1, DecisionReason.BreakerOpen, false)
                : new PoolDecision(pinned, DecisionReason.SessionOverride, false);
        }

        SessionBuckets.Classify(sessionKey, flags.V2Percent, flags.ShadowPercent, out var onV2, out var shadowed);
        if (onV2)
        {
            return breaker.RefusesCalls
                ? new PoolDecision(Pool.V1, DecisionReason.BreakerOpen, false)
                : new PoolDecision(Pool.V2, DecisionReason.Percentage, false);
        }

        return new PoolDecision(Pool.V1, DecisionReason.Percentage, shadowed);
    }

    private void Answered(RolloutFlags flags, PoolDecision decision, Action<Pool>? answered)
    {
        metrics.Selected(flags.Migration, decision.Pool, decision.Reason);
        answered?.Invoke(decision.Pool);
    }

    private void OnBreakerChanged(BreakerState state)
    {
        metrics.BreakerChanged(store.Current.Migration, state);
        BreakerStateChanged?.Invoke(this, state);
    }

    private void OnCompared(ShadowComparison comparison) => ComparisonCompleted?.Invoke(this, comparison);

    private Pool? ReadEnvironmentForce(string variable)
    {
        var value = string.IsNullOrEmpty(variable) ? null : Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (PoolNames.TryParse(value, out var pool))
        {
            LogEnvironmentForce(logger, variable, pool.ToWireName());
            return pool;
        }

        LogEnvironmentForceInvalid(logger, variable, value);
        return null;
    }

    private static string ResolveNamespace(PoolMigrationOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ConfigMapNamespace))
        {
            return options.ConfigMapNamespace;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("POD_NAMESPACE");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment.Trim();
        }

        return File.Exists(ServiceAccountNamespaceFile) ? File.ReadAllText(ServiceAccountNamespaceFile).Trim() : "default";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Variable}={Pool}: every session goes to {Pool} unless forced in code")]
    private static partial void LogEnvironmentForce(ILogger logger, string variable, string pool);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Variable}='{Value}' is neither v1 nor v2 and is ignored")]
    private static partial void LogEnvironmentForceInvalid(ILogger logger, string variable, string value);
}
