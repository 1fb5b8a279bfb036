using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace PoolOperator.Client.Tests;

public sealed class FileFlagsSourceTests
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Each_kubelet_symlink_swap_is_picked_up_by_the_directory_watch()
    {
        using var volume = new KubeletConfigMapVolume();
        volume.Publish(Documents.Rollout(5));
        // A recheck far beyond the test's patience: only the watch can explain an update.
        await using var client = FileClient(volume.Directory, o => o.RecheckInterval = TimeSpan.FromHours(1));

        await client.StartAsync();
        Assert.Equal(5, client.Flags.V2Percent);

        foreach (var (percent, generation) in new[] { (25, 2L), (50, 3L), (100, 4L) })
        {
            var flags = await client.WaitForAsync(f => f.Generation == generation, () =>
            {
                volume.Publish(Documents.Rollout(percent, generation: generation));
                return Task.CompletedTask;
            });
            Assert.Equal(percent, flags.V2Percent);
        }

        Assert.True(client.FlagsStatus.LastReadValid);
        Assert.Equal(volume.KeyPath, client.FlagsStatus.Source);
    }

    [Fact]
    public async Task The_periodic_recheck_alone_catches_a_swap()
    {
        using var volume = new KubeletConfigMapVolume();
        volume.Publish(Documents.Rollout(5));
        var time = new FakeTimeProvider();
        await using var client = FileClient(volume.Directory, o => o.WatchFileSystem = false, time);
        await client.StartAsync();

        volume.Publish(Documents.Rollout(25, generation: 2));
        Assert.Equal(5, client.Flags.V2Percent);

        time.Advance(Recheck);
        Assert.Equal(25, client.Flags.V2Percent);
    }

    [Fact]
    public async Task Without_a_document_everything_goes_to_V1_and_the_problem_is_reported()
    {
        using var volume = new KubeletConfigMapVolume();
        var time = new FakeTimeProvider();
        var logs = new RecordingLoggerProvider();
        await using var client = FileClient(volume.Directory, o => o.WatchFileSystem = false, time, logs);
        using var metrics = new MetricRecorder(client.Meter);

        await client.StartAsync();
        time.Advance(Recheck);
        time.Advance(Recheck);

        Assert.Equal(new PoolDecision(Pool.V1, DecisionReason.NoFlags, false), client.Decide("session-1"));
        Assert.False(client.FlagsStatus.HasDocument);
        Assert.Contains("missing", client.FlagsStatus.Problem, StringComparison.Ordinal);
        // The read at start and one per recheck.
        Assert.Equal(3, metrics.Sum("poolmigration.flags.reloads", ("result", "missing")));
        Assert.Equal(0, metrics.Observe("poolmigration.flags.valid"));
        // Logged once when the problem starts, not on every recheck.
        Assert.Single(logs.Warnings, w => w.Contains("every session goes to V1", StringComparison.Ordinal));

        volume.Publish(Documents.Rollout(100));
        time.Advance(Recheck);
        Assert.Equal(new PoolDecision(Pool.V2, DecisionReason.Percentage, false), client.Decide("session-1"));
        Assert.Equal(1, metrics.Observe("poolmigration.flags.valid"));
        Assert.Contains(logs.Entries, e => e.Message.Contains("readable again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_directory_that_appears_later_is_read_and_watched()
    {
        var parent = Directory.CreateTempSubdirectory("poolmigration-late-").FullName;
        try
        {
            var directory = Path.Combine(parent, "flags");
            var time = new FakeTimeProvider();
            await using var client = FileClient(directory, time: time);
            await client.StartAsync();
            Assert.False(client.FlagsStatus.HasDocument);

            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "rollout.json"), Documents.Rollout(5));
            time.Advance(Recheck);
            Assert.Equal(5, client.Flags.V2Percent);

            // The recheck also started a watch: the next change arrives with the clock stopped.
            await client.WaitForAsync(f => f.V2Percent == 25, () => File.WriteAllTextAsync(Path.Combine(directory, "rollout.json"), Documents.Rollout(25, generation: 2)));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Theory]
    [InlineData("{\"v2Percent\": 50")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"v2Percent\": 150, \"phase\": \"Progressing\"}")]
    [InlineData("{\"v2Percent\": 50, \"overrides\": {\"s\": \"v9\"}}")]
    public async Task A_malformed_document_keeps_the_last_good_state(string malformed)
    {
        using var volume = new KubeletConfigMapVolume();
        volume.Publish(Documents.Rollout(25));
        var time = new FakeTimeProvider();
        var logs = new RecordingLoggerProvider();
        await using var client = FileClient(volume.Directory, o => o.WatchFileSystem = false, time, logs);
        using var metrics = new MetricRecorder(client.Meter);
        await client.StartAsync();
        var before = SessionDecisions(client);

        volume.Publish(malformed);
        time.Advance(Recheck);

        Assert.Equal(25, client.Flags.V2Percent);
        Assert.Equal(before, SessionDecisions(client));
        Assert.True(client.FlagsStatus.HasDocument);
        Assert.False(client.FlagsStatus.LastReadValid);
        Assert.Contains("malformed", client.FlagsStatus.Problem, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Sum("poolmigration.flags.reloads", ("result", "malformed")));
        Assert.Contains(logs.Warnings, w => w.Contains("keeping the last good flags", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_removed_from_the_volume_keeps_the_last_good_state()
    {
        using var volume = new KubeletConfigMapVolume();
        volume.Publish(Documents.Rollout(25));
        var time = new FakeTimeProvider();
        await using var client = FileClient(volume.Directory, o => o.WatchFileSystem = false, time);
        await client.StartAsync();

        File.Delete(volume.KeyPath);
        time.Advance(Recheck);

        Assert.Equal(25, client.Flags.V2Percent);
        Assert.Contains("missing", client.FlagsStatus.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_file_is_reported_not_thrown()
    {
        using var volume = new KubeletConfigMapVolume();
        // A directory where the document should be: reading it fails with an I/O error.
        Directory.CreateDirectory(volume.KeyPath);
        await using var client = FileClient(volume.Directory, o => o.WatchFileSystem = false, new FakeTimeProvider());

        await client.StartAsync();

        Assert.Equal(Pool.V1, client.Decide("session-1").Pool);
        Assert.Contains("could not be read", client.FlagsStatus.Problem, StringComparison.Ordinal);
    }

    private static List<Pool> SessionDecisions(PoolMigrationClient client) =>
        [.. Enumerable.Range(0, 500).Select(i => client.Decide($"session-{i}").Pool)];

    private static PoolMigrationClient FileClient(
        string directory,
        Action<PoolMigrationOptions>? configure = null,
        TimeProvider? time = null,
        RecordingLoggerProvider? logs = null)
    {
        var options = new PoolMigrationOptions
        {
            Source = FlagsSourceKind.File,
            FlagsDirectory = directory,
            RecheckInterval = Recheck,
            ForceEnvironmentVariable = "",
        };
        configure?.Invoke(options);
        return new PoolMigrationClient(options, logs, time);
    }
}
