using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Client;

/// <summary>
/// The old API in front, V1 or V2 behind: each call goes where the migration sends its session, V2's answers and
/// errors are translated back into the old shapes, shadowing and the breaker apply as for
/// <see cref="PoolMigrationClient.ExecuteAsync{T}"/>, and each caller gets one deprecation warning.
/// </summary>
public sealed partial class CompatibilityRouter<TRequest, TResponse>
{
    private readonly PoolMigrationClient client;
    private readonly string operation;
    private readonly Func<TRequest, CancellationToken, ValueTask<TResponse>> v1;
    private readonly Func<TRequest, CancellationToken, ValueTask<TResponse>> v2;
    private readonly Func<Exception, Exception>? translateV2Error;
    private readonly string deprecation;
    private readonly ConcurrentDictionary<string, bool> warnedCallers = new(StringComparer.Ordinal);
    private readonly ILogger logger;
    private readonly Action<Pool> answered;

    internal CompatibilityRouter(
        PoolMigrationClient client,
        string operation,
        Func<TRequest, CancellationToken, ValueTask<TResponse>> v1,
        Func<TRequest, CancellationToken, ValueTask<TResponse>> v2,
        Func<Exception, Exception>? translateV2Error,
        string deprecation)
    {
        this.client = client;
        this.operation = operation;
        this.v1 = v1;
        this.v2 = v2;
        this.translateV2Error = translateV2Error;
        this.deprecation = deprecation;
        logger = client.Logger;
        answered = pool => client.Metrics.RouterCalled(client.Flags.Migration, operation, pool);
    }

    /// <summary>The operation's name, as in logs, metrics and shadow samples.</summary>
    public string Operation => operation;

    /// <summary>Callers that have been warned so far.</summary>
    public IReadOnlyCollection<string> WarnedCallers => [.. warnedCallers.Keys];

    /// <summary>
    /// Runs <paramref name="request"/> for <paramref name="sessionKey"/> on V1 or V2. The caller is named by
    /// <paramref name="caller"/> (e.g. a client id from the request) or, by default, the calling file and member.
    /// </summary>
    public ValueTask<TResponse> InvokeAsync(
        string sessionKey,
        TRequest request,
        string? caller = null,
        Pool? force = null,
        CancellationToken cancellationToken = default,
        [CallerMemberName] string callerMember = "",
        [CallerFilePath] string callerFile = "")
    {
        WarnOnce(caller ?? $"{Path.GetFileName(callerFile)}:{callerMember}");
        return client.ExecuteCoreAsync(
            sessionKey,
            token => v1(request, token),
            token => CallV2Async(request, token),
            operation,
            force,
            answered,
            cancellationToken);
    }

    private async ValueTask<TResponse> CallV2Async(TRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await v2(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (translateV2Error is not null && ex is not OperationCanceledException)
        {
            var translated = translateV2Error(ex);
            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

            throw translated;
        }
    }

    private void WarnOnce(string caller)
    {
        if (warnedCallers.TryAdd(caller, true))
        {
            LogDeprecated(logger, caller, operation, deprecation);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Caller} calls {Operation} through the old API: {Deprecation}")]
    private static partial void LogDeprecated(ILogger logger, string caller, string operation, string deprecation);
}
