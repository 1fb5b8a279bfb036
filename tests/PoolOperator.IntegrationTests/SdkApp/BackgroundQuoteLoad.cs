namespace PoolOperator.IntegrationTests.SdkApp;

/// <summary>
/// Users calling the example application all the time, each request from a new session, so shadow stages produce
/// comparisons. A request that fails (the application restarting) is counted and the load goes on.
/// </summary>
internal sealed class BackgroundQuoteLoad : IAsyncDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource stopping = new();
    private readonly Task[] workers;
    private long answered;
    private long failed;

    private BackgroundQuoteLoad(Uri app, int concurrency) =>
        workers = [.. Enumerable.Range(0, concurrency).Select(_ => RunAsync(app))];

    public long Answered => Interlocked.Read(ref answered);

    public long Failed => Interlocked.Read(ref failed);

    public static BackgroundQuoteLoad Start(Uri app, int concurrency = 2) => new(app, concurrency);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await Task.WhenAll(workers);
        stopping.Dispose();
        http.Dispose();
    }

    private async Task RunAsync(Uri app)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await QuoteTraffic.ServedByAsync(http, app, Guid.NewGuid().ToString(), stopping.Token);
                Interlocked.Increment(ref answered);
                await Task.Delay(TimeSpan.FromMilliseconds(5), stopping.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref failed);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
