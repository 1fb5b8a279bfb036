namespace PoolOperator.Analysis;

/// <summary>Reads the Secrets and ConfigMaps that hold check credentials; null when the object does not exist.</summary>
internal interface ISecretSource
{
    Task<IReadOnlyDictionary<string, byte[]>?> GetSecretDataAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, string>?> GetConfigMapDataAsync(string @namespace, string name, CancellationToken cancellationToken);
}
