using k8s;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>One object version a <see cref="WatchRecorder{T}"/> saw, and when (on the test's clock).</summary>
internal sealed record WatchObservation<T>(TimeSpan At, WatchEventType Type, T Object);
