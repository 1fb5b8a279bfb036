using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace PoolOperator.FaultSuite;

/// <summary>
/// A real Prometheus (Debian's /usr/bin/prometheus, or PROMETHEUS_BINARY) on 127.0.0.1 scraping one target every
/// second. It can be killed and started again on the same port and data directory, as an outage would look.
/// </summary>
internal sealed class PrometheusServer(string directory, Uri target, int port) : IAsyncDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Lock logLock = new();
    private Process? process;

    public Uri Address => new($"http://127.0.0.1:{port}");

    public static string Binary => Environment.GetEnvironmentVariable("PROMETHEUS_BINARY") is { Length: > 0 } path ? path : "/usr/bin/prometheus";

    /// <summary>Starts Prometheus and returns once it answers queries with a scrape of the target.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"Prometheus not found at {Binary}: run `apt-get install -y prometheus` or set PROMETHEUS_BINARY.");
        }

        Directory.CreateDirectory(Path.Combine(directory, "data"));
        var configuration = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configuration, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: pools
                static_configs:
                  - targets: ['{target.Authority}']

            """, cancellationToken).ConfigureAwait(false);
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     $"--config.file={configuration}",
                     $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                     $"--web.listen-address=127.0.0.1:{port}",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var log = Path.Combine(directory, "prometheus.log");
        process = Process.Start(start) ?? throw new InvalidOperationException("Prometheus did not start");
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (!await ScrapedAsync(cancellationToken).ConfigureAwait(false))
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new InvalidOperationException($"Prometheus did not scrape {target} (exited: {process.HasExited}); see {log}");
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Kills Prometheus the way a crash would; its port then refuses connections.</summary>
    public async Task StopAsync()
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(exited.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        process.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        http.Dispose();
    }

    private void Append(string log, string? line)
    {
        if (line is not null)
        {
            lock (logLock)
            {
                File.AppendAllText(log, line + Environment.NewLine);
            }
        }
    }

    private async Task<bool> ScrapedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var query = Uri.EscapeDataString("up{job=\"pools\"}");
            using var response = await http.GetAsync(new Uri(Address, $"/api/v1/query?query={query}"), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            var result = json.RootElement.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 1
                   && double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture) == 1;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
