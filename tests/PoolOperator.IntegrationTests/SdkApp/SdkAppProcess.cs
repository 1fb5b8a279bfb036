using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using PoolOperator.Tests.Shared;

namespace PoolOperator.IntegrationTests.SdkApp;

/// <summary>
/// The example application of docs/examples/sdk-app as its own process (its build output, run with its own
/// appsettings.json) on 127.0.0.1, reading its flags from a directory, with V2 in the given SDK_APP_V2_MODE.
/// </summary>
internal sealed class SdkAppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);

    private readonly Process process;
    private readonly StringBuilder output = new();
    private int disposed;

    private SdkAppProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>docs/examples/sdk-app's build output, built with the tests through their project reference.</summary>
    public static string Assembly
    {
        get
        {
            var configuration = typeof(SdkAppProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(attribute => attribute.Key == "SdkAppConfiguration").Value!;
            return RepositoryFiles.PathOf("docs", "examples", "sdk-app", "bin", configuration, "net10.0", "sdk-app.dll");
        }
    }

    /// <summary>Starts the application on <paramref name="port"/> and returns once it answers.</summary>
    public static async Task<SdkAppProcess> StartAsync(int port, string flagsDirectory, string v2Mode)
    {
        if (!File.Exists(Assembly))
        {
            throw new InvalidOperationException($"{Assembly} is missing: build tests/PoolOperator.IntegrationTests, which builds docs/examples/sdk-app");
        }

        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryFiles.PathOf("docs", "examples", "sdk-app"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Assembly, "--urls", address.ToString() })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PoolMigration__FlagsDirectory"] = flagsDirectory;
        start.Environment["SDK_APP_V2_MODE"] = v2Mode;

        // The safety-net re-read every second, so a missed directory event costs a second, not the documented 5.
        start.Environment["PoolMigration__RecheckInterval"] = "00:00:01";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("POOL_MIGRATION_FORCE");

        var app = new SdkAppProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the example application"), address);
        app.process.OutputDataReceived += (_, e) => app.Append(e.Data);
        app.process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        app.process.BeginOutputReadLine();
        app.process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilAnsweringAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>The flags the application is using now (<c>GET /flags</c>).</summary>
    public async Task<JsonElement> FlagsAsync(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(Address, "/flags")));
        return document.RootElement.GetProperty("flags").Clone();
    }

    /// <summary>The application's shadow report (<c>GET /shadow</c>).</summary>
    public async Task<JsonElement> ShadowReportAsync(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return await http.GetFromJsonAsync<JsonElement>(new Uri(Address, "/shadow"));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartDeadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the example application exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Address, "/flags"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Starting slowly on a busy machine.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException($"the example application did not answer within {StartDeadline}:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
