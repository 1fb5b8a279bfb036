using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace PoolOperator.UnitTests.Runtime;

/// <summary>One watch call: events written here reach the informer; Close ends the stream, Fail breaks it.</summary>
internal sealed class FakeWatch(string? @namespace, string resourceVersion, Action<Exception> onError, CancellationToken stopToken)
{
    private readonly Channel<Func<(WatchEventType, V1ConfigMap)?>> _events = Channel.CreateUnbounded<Func<(WatchEventType, V1ConfigMap)?>>();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? Namespace { get; } = @namespace;

    public string ResourceVersion { get; } = resourceVersion;

    /// <summary>Completes when the informer stops reading this watch.</summary>
    public Task Ended => _ended.Task;

    /// <summary>The informer has asked this watch to stop (say, for a relist); it may not have ended yet.</summary>
    public bool StopRequested => stopToken.IsCancellationRequested;

    /// <summary>Open and not asked to stop: the watch the informer is relying on.</summary>
    public bool IsLive => !Ended.IsCompleted && !StopRequested;

    public void Send(WatchEventType type, V1ConfigMap obj) => _events.Writer.TryWrite(() => (type, obj));

    /// <summary>What the client does with an ERROR event: hands the Status to onError as an exception.</summary>
    public void SendError(Exception error) => _events.Writer.TryWrite(() =>
    {
        onError(error);
        return null;
    });

    public void Close() => _events.Writer.TryComplete();

    public void Fail(Exception error) => _events.Writer.TryComplete(error);

    public async IAsyncEnumerable<(WatchEventType Type, V1ConfigMap Object)> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var next in _events.Reader.ReadAllAsync(cancellationToken))
            {
                if (next() is { } item)
                {
                    yield return item;
                }
            }
        }
        finally
        {
            _ended.TrySetResult();
        }
    }
}
