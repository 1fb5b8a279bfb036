using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>
/// A real Prometheus (Debian's /usr/bin/prometheus, or PROMETHEUS_BINARY) on 127.0.0.1 scraping a
/// <see cref="TestExporter"/> every second. It can be stopped and started again on the same port and data directory.
/// </summary>
public sealed class PrometheusFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly StringBuilder log = new();
    private readonly string directory = Path.Combine(Path.GetTempPath(), "pooloperator-prometheus-" + Guid.NewGuid().ToString("N"));
    private Process? process;
    private int port;

    internal TestExporter Exporter { get; private set; } = null!;

    /// <summary>http://127.0.0.1:port of Prometheus; stays the same across restarts.</summary>
    public Uri Address => new($"http://127.0.0.1:{port}");

    public bool IsRunning => process is { HasExited: false };

    public static string Binary => Environment.GetEnvironmentVariable("PROMETHEUS_BINARY") is { Length: > 0 } path ? path : "/usr/bin/prometheus";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"Prometheus not found at {Binary}: run `apt-get install -y prometheus` or set PROMETHEUS_BINARY.");
        }

        Directory.CreateDirectory(Path.Combine(directory, "data"));
        Exporter = await TestExporter.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: test-exporter
                static_configs:
                  - targets: ['{Exporter.Address.Authority}']
              - job_name: scraped-by-tests
                file_sd_configs:
                  - files: ['{Path.Combine(directory, "targets", "*.json")}']
                    refresh_interval: 1s
            """);
        Directory.CreateDirectory(Path.Combine(directory, "targets"));
        port = FreePort.Next();
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        await StopAsync();
        await Exporter.DisposeAsync();
        http.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    /// <summary>Starts Prometheus and returns once it is ready and has scraped the exporter.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            $"--config.file={Path.Combine(directory, "prometheus.yml")}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        lock (log)
        {
            log.Clear();
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Prometheus did not start.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await WaitUntilAsync(async () => (await http.GetAsync(new Uri(Address, "/-/ready"))).IsSuccessStatusCode, "ready");
        await WaitUntilAsync(async () => await QueryAsync("up{job=\"test-exporter\"}") == 1, "first scrape of the exporter");
    }

    /// <summary>Kills Prometheus the way a crash would; the port then refuses connections.</summary>
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
            await process.WaitForExitAsync(exited.Token);
        }

        process.Dispose();
        process = null;
    }

    /// <summary>
    /// Has Prometheus scrape <paramref name="target"/>'s /metrics every second under the label job=<paramref name="job"/>,
    /// and returns once the first scrape succeeded; disposing the result stops the scraping.
    /// </summary>
    public async Task<IAsyncDisposable> ScrapeAsync(string job, Uri target)
    {
        var file = Path.Combine(directory, "targets", job + ".json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new[]
        {
            new { targets = new[] { target.Authority }, labels = new Dictionary<string, string> { ["job"] = job } },
        }));
        await WaitUntilAsync(async () => await QueryAsync($"up{{job=\"{job}\"}}") == 1, $"first scrape of {target}");
        return new ScrapeTarget(file);
    }

    /// <summary>Returns once Prometheus has scraped everything the exporter holds now.</summary>
    public async Task WaitForScrapeAsync()
    {
        var generation = Exporter.NextGeneration();
        await WaitUntilAsync(async () => await QueryAsync(TestExporter.GenerationMetric) >= generation, $"scrape of generation {generation}");
    }

    /// <summary>The single value of an instant query, or null.</summary>
    public async Task<double?> QueryAsync(string query)
    {
        var response = await http.GetAsync(new Uri(Address, $"/api/v1/query?query={Uri.EscapeDataString(query)}"));
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var result = json.RootElement.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 1
            ? double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)
            : null;
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < StartDeadline)
        {
            if (process is { HasExited: true })
            {
                throw new InvalidOperationException($"Prometheus exited with {process.ExitCode} while waiting for {what}:\n{Log()}");
            }

            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                last = e;
            }
            catch (TaskCanceledException e)
            {
                last = e;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"Prometheus not {what} within {StartDeadline} ({last?.Message}):\n{Log()}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private string Log()
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private sealed class ScrapeTarget(string file) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            File.Delete(file);
            return ValueTask.CompletedTask;
        }
    }
}
