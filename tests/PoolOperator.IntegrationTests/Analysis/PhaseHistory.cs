using System.Diagnostics;
using PoolOperator.IntegrationTests.Operator;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>
/// Reads a migration every 100 ms in the background and keeps every phase it was seen in, so a test can prove a
/// phase (RollingBack, say) never occurred, even briefly, while it waited for something else.
/// </summary>
internal sealed class PhaseHistory : IAsyncDisposable
{
    private readonly List<(TimeSpan At, string Phase)> phases = [];
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Task polling;

    private PhaseHistory(MigrationKit kit, string name) => polling = PollAsync(kit, name);

    /// <summary>Every distinct phase in the order first seen.</summary>
    public IReadOnlyList<string> Phases
    {
        get
        {
            lock (gate)
            {
                return phases.Select(p => p.Phase).Distinct().ToList();
            }
        }
    }

    public static PhaseHistory Start(MigrationKit kit, string name) => new(kit, name);

    /// <summary>Phase transitions with the time since recording started, for test output.</summary>
    public override string ToString()
    {
        lock (gate)
        {
            return string.Join(" -> ", phases.Select(p => $"{p.Phase}@{p.At.TotalSeconds:0.0}s"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await polling;
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    private async Task PollAsync(MigrationKit kit, string name)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var phase = (await kit.GetAsync(name)).Status?.Phase;
                lock (gate)
                {
                    if (phase is not null && (phases.Count == 0 || phases[^1].Phase != phase))
                    {
                        phases.Add((clock.Elapsed, phase));
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Not created yet, or the apiserver is busy: the next read tells.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), stopping.Token);
        }
    }
}
