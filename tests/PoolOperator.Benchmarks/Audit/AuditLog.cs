using System.Text;
using System.Text.Json;

namespace PoolOperator.Benchmarks.Audit;

/// <summary>
/// Follows the apiserver's audit log (one JSON event per line) and keeps the completed requests of one user.
/// Only events at stage <c>ResponseComplete</c> count: one per request, stamped with when the request arrived.
/// A watch completes when it closes, so a watch is counted in the window in which it ends.
/// </summary>
internal sealed class AuditLog(string path, string user, TimeProvider time)
{
    /// <summary>The apiserver writes a batch at least this often (<c>--audit-log-batch-max-wait=1s</c>), plus slack.</summary>
    private static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(3);

    private readonly List<AuditEvent> events = [];
    private readonly StringBuilder partialLine = new();
    private long offset;

    public string Path => path;

    /// <summary>The completed requests that arrived in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public async Task<IReadOnlyList<AuditEvent>> BetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var wait = to + FlushDelay - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }

        await ReadNewLinesAsync(cancellationToken).ConfigureAwait(false);
        return events.Where(e => e.ReceivedAt >= from && e.ReceivedAt < to).ToList();
    }

    private async Task ReadNewLinesAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return;
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        var buffer = new char[1 << 16];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != '\n')
                {
                    continue;
                }

                partialLine.Append(buffer, start, i - start);
                Parse(partialLine.ToString());
                partialLine.Clear();
                start = i + 1;
            }

            partialLine.Append(buffer, start, read - start);
        }

        offset = stream.Position;
    }

    private void Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (Text(root, "stage") != "ResponseComplete"
            || !root.TryGetProperty("user", out var userInfo)
            || Text(userInfo, "username") != user)
        {
            return;
        }

        string? resource = null, subresource = null, ns = null, name = null;
        if (root.TryGetProperty("objectRef", out var objectRef))
        {
            resource = Text(objectRef, "resource");
            subresource = Text(objectRef, "subresource");
            ns = Text(objectRef, "namespace");
            name = Text(objectRef, "name");
        }

        var code = root.TryGetProperty("responseStatus", out var status) && status.TryGetProperty("code", out var codeElement)
            ? codeElement.GetInt32()
            : 0;
        events.Add(new AuditEvent(
            DateTimeOffset.Parse(Text(root, "requestReceivedTimestamp")!, System.Globalization.CultureInfo.InvariantCulture),
            Text(root, "verb") ?? "?",
            resource ?? Text(root, "requestURI") ?? "?",
            subresource,
            ns,
            name,
            code));
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
