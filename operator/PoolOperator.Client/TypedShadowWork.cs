using System.Text.Json;

namespace PoolOperator.Client;

/// <summary>A shadow call whose results are <typeparamref name="T"/>, compared as JSON.</summary>
internal sealed class TypedShadowWork<T>(
    string sessionKey,
    string operation,
    T? v1Result,
    Exception? v1Exception,
    Func<CancellationToken, ValueTask<T>> v2,
    JsonSerializerOptions serializerOptions) : ShadowWork(sessionKey, operation)
{
    public override CallOutcome V1Outcome() =>
        v1Exception is not null ? CallOutcome.Failure(v1Exception) : ToOutcome(v1Result);

    public override async Task<CallOutcome> RunV2Async(CancellationToken cancellationToken)
    {
        var result = await v2(cancellationToken).ConfigureAwait(false);
        return ToOutcome(result);
    }

    private CallOutcome ToOutcome(T? result) =>
        CallOutcome.Success(JsonSerializer.SerializeToElement(result, serializerOptions));
}
