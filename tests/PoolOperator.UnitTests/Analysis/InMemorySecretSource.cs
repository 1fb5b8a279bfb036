using System.Collections.Concurrent;
using System.Text;
using PoolOperator.Analysis;

namespace PoolOperator.UnitTests.Analysis;

internal sealed class InMemorySecretSource : ISecretSource
{
    private readonly ConcurrentDictionary<(string, string), Dictionary<string, byte[]>> secrets = new();
    private readonly ConcurrentDictionary<(string, string), Dictionary<string, string>> configMaps = new();

    public int SecretReads { get; private set; }

    public Exception? Failure { get; set; }

    public void SetSecret(string @namespace, string name, params (string Key, string Value)[] data) =>
        secrets[(@namespace, name)] = data.ToDictionary(pair => pair.Key, pair => Encoding.UTF8.GetBytes(pair.Value));

    public void SetConfigMap(string @namespace, string name, params (string Key, string Value)[] data) =>
        configMaps[(@namespace, name)] = data.ToDictionary(pair => pair.Key, pair => pair.Value);

    public Task<IReadOnlyDictionary<string, byte[]>?> GetSecretDataAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        SecretReads++;
        if (Failure is not null)
        {
            throw Failure;
        }

        return Task.FromResult<IReadOnlyDictionary<string, byte[]>?>(secrets.TryGetValue((@namespace, name), out var data) ? data : null);
    }

    public Task<IReadOnlyDictionary<string, string>?> GetConfigMapDataAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>?>(configMaps.TryGetValue((@namespace, name), out var data) ? data : null);
}
