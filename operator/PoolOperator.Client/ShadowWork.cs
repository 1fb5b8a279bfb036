namespace PoolOperator.Client;

/// <summary>One queued shadow call: run V2, compare with V1's outcome, record the verdict.</summary>
internal abstract class ShadowWork(string sessionKey, string operation)
{
    public string SessionKey { get; } = sessionKey;

    public string Operation { get; } = operation;

    /// <summary>Starts V2 with <paramref name="cancellationToken"/>, which fires at the shadow timeout.</summary>
    public abstract Task<CallOutcome> RunV2Async(CancellationToken cancellationToken);

    /// <summary>V1's outcome as JSON; built on the shadow worker so the caller never pays for it.</summary>
    public abstract CallOutcome V1Outcome();
}
