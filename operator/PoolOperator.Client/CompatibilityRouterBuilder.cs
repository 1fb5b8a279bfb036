namespace PoolOperator.Client;

/// <summary>
/// Builds a <see cref="CompatibilityRouter{TRequest, TResponse}"/>: callers keep the old API
/// (<typeparamref name="TRequest"/> in, <typeparamref name="TResponse"/> out) while the SDK picks V1 or V2 behind it.
/// </summary>
public sealed class CompatibilityRouterBuilder<TRequest, TResponse>
{
    private readonly PoolMigrationClient client;
    private readonly string operation;
    private Func<TRequest, CancellationToken, ValueTask<TResponse>>? v1;
    private Func<TRequest, CancellationToken, ValueTask<TResponse>>? v2;
    private Func<Exception, Exception>? translateV2Error;
    private string? deprecation;

    internal CompatibilityRouterBuilder(PoolMigrationClient client, string operation)
    {
        this.client = client;
        this.operation = operation;
    }

    /// <summary>The V1 implementation, which already speaks the old API.</summary>
    public CompatibilityRouterBuilder<TRequest, TResponse> ToV1(Func<TRequest, CancellationToken, ValueTask<TResponse>> implementation)
    {
        v1 = implementation ?? throw new ArgumentNullException(nameof(implementation));
        return this;
    }

    /// <summary>A V2 implementation that speaks the old API too.</summary>
    public CompatibilityRouterBuilder<TRequest, TResponse> ToV2(Func<TRequest, CancellationToken, ValueTask<TResponse>> implementation)
    {
        v2 = implementation ?? throw new ArgumentNullException(nameof(implementation));
        return this;
    }

    /// <summary>
    /// A V2 implementation with its own API: <paramref name="translateRequest"/> turns the old request into V2's,
    /// <paramref name="translateResponse"/> turns V2's answer into the old response (shadow comparisons see the
    /// translated answer, so they compare like with like).
    /// </summary>
    public CompatibilityRouterBuilder<TRequest, TResponse> ToV2<TV2Request, TV2Response>(
        Func<TRequest, TV2Request> translateRequest,
        Func<TV2Request, CancellationToken, ValueTask<TV2Response>> implementation,
        Func<TV2Response, TResponse> translateResponse)
    {
        ArgumentNullException.ThrowIfNull(translateRequest);
        ArgumentNullException.ThrowIfNull(implementation);
        ArgumentNullException.ThrowIfNull(translateResponse);
        v2 = async (request, cancellationToken) =>
            translateResponse(await implementation(translateRequest(request), cancellationToken).ConfigureAwait(false));
        return this;
    }

    /// <summary>
    /// Turns V2's exceptions into the ones old callers expect (return the exception itself to leave it alone).
    /// Shadow comparisons compare the translated exception's type with V1's.
    /// </summary>
    public CompatibilityRouterBuilder<TRequest, TResponse> TranslateV2Errors(Func<Exception, Exception> translate)
    {
        translateV2Error = translate ?? throw new ArgumentNullException(nameof(translate));
        return this;
    }

    /// <summary>The deprecation warning logged once per caller of the old API.</summary>
    public CompatibilityRouterBuilder<TRequest, TResponse> Deprecated(string message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        deprecation = message;
        return this;
    }

    /// <summary>Builds the router; both implementations must be set.</summary>
    public CompatibilityRouter<TRequest, TResponse> Build()
    {
        if (v1 is null || v2 is null)
        {
            throw new InvalidOperationException($"the router for {operation} needs both ToV1 and ToV2");
        }

        return new CompatibilityRouter<TRequest, TResponse>(
            client,
            operation,
            v1,
            v2,
            translateV2Error,
            deprecation ?? $"the old API of {operation} is deprecated; move to its V2 API");
    }
}
