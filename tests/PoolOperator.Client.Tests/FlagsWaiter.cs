namespace PoolOperator.Client.Tests;

/// <summary>Waits for the client to apply flags that satisfy a condition, without polling or sleeping.</summary>
internal static class FlagsWaiter
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static async Task<RolloutFlags> WaitForAsync(this PoolMigrationClient client, Func<RolloutFlags, bool> condition, Func<Task>? trigger = null)
    {
        var reached = new TaskCompletionSource<RolloutFlags>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, RolloutFlags flags)
        {
            if (condition(flags))
            {
                reached.TrySetResult(flags);
            }
        }

        client.FlagsChanged += OnChanged;
        try
        {
            if (trigger is not null)
            {
                await trigger();
            }

            if (condition(client.Flags))
            {
                return client.Flags;
            }

            try
            {
                return await reached.Task.WaitAsync(Patience);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"the flags did not reach the expected state within {Patience.TotalSeconds} s; in use: {client.Flags}, status: {client.FlagsStatus}");
            }
        }
        finally
        {
            client.FlagsChanged -= OnChanged;
        }
    }
}
