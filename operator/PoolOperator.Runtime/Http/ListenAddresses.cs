using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace PoolOperator.Runtime.Http;

/// <summary>
/// Where the <see cref="EndpointServer"/> listens, read the way ASP.NET Core reads it so the usual settings keep working:
/// <c>--urls</c> (or URLS, DOTNET_URLS), then ASPNETCORE_URLS, then the HTTP_PORTS family (the .NET container images set
/// ASPNETCORE_HTTP_PORTS=8080), else http://localhost:5000. Several addresses are separated by ';'.
/// </summary>
public static class ListenAddresses
{
    /// <summary>The address when nothing is configured, as for any ASP.NET Core application.</summary>
    public const string Default = "http://localhost:5000";

    /// <summary>The configured endpoints to bind; throws <see cref="FormatException"/> naming the setting and the entry that cannot be served.</summary>
    public static IReadOnlyList<ListenAddress> From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var key in new[] { "urls", "ASPNETCORE_URLS" })
        {
            if (configuration[key] is { Length: > 0 } urls)
            {
                return Parse(urls, key);
            }
        }

        foreach (var key in new[] { "http_ports", "ASPNETCORE_HTTP_PORTS" })
        {
            if (configuration[key] is { Length: > 0 } ports)
            {
                return Parse(string.Join(';', Split(ports).Select(port => $"http://*:{port}")), key);
            }
        }

        return Parse(Default, "the default");
    }

    /// <summary>Parses <paramref name="urls"/> (entries separated by ';'); <paramref name="setting"/> names where they came from in errors.</summary>
    public static IReadOnlyList<ListenAddress> Parse(string urls, string setting)
    {
        var addresses = new List<ListenAddress>();
        foreach (var url in Split(urls))
        {
            addresses.Add(ParseOne(url, setting));
        }

        if (addresses.Count == 0)
        {
            throw new FormatException($"{setting} names no address to listen on");
        }

        return addresses;
    }

    private static ListenAddress ParseOne(string url, string setting)
    {
        const string Scheme = "http://";
        if (!url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException(url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? $"{setting}: '{url}' asks for HTTPS; the operator serves /healthz, /readyz and /metrics over plain HTTP only (terminate TLS in front of it)"
                : $"{setting}: '{url}' is not an http:// address");
        }

        var rest = url[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (rest[slash..] != "/")
            {
                throw new FormatException($"{setting}: '{url}' has a path; the endpoints are always /healthz, /readyz and /metrics");
            }

            rest = rest[..slash];
        }

        string host;
        string? port;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"{setting}: '{url}' has an IPv6 address without its closing ']'");
            }

            host = rest[1..close];
            port = rest[(close + 1)..] is { Length: > 0 } after ? after.StartsWith(':') ? after[1..] : throw new FormatException($"{setting}: '{url}' has text after its address") : null;
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            (host, port) = colon < 0 ? (rest, null) : (rest[..colon], rest[(colon + 1)..]);
        }

        var portNumber = 80;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out portNumber) || portNumber > IPEndPoint.MaxPort))
        {
            throw new FormatException($"{setting}: '{url}' has port '{port}', not a number from 0 to {IPEndPoint.MaxPort}");
        }

        if (host is "*" or "+" or "0.0.0.0" or "::")
        {
            return new ListenAddress(url, ListenScope.Any, host == "0.0.0.0" ? IPAddress.Any : IPAddress.IPv6Any, portNumber);
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new ListenAddress(url, ListenScope.Loopback, IPAddress.Loopback, portNumber);
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return new ListenAddress(url, ListenScope.Address, address, portNumber);
        }

        throw new FormatException($"{setting}: '{url}' names host '{host}'; listen on an IP address, localhost, * or +");
    }

    private static IEnumerable<string> Split(string list) =>
        list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Which addresses one configured URL stands for.</summary>
public enum ListenScope
{
    /// <summary>Every interface: '*', '+', 0.0.0.0 or [::].</summary>
    Any,

    /// <summary>localhost: 127.0.0.1 and, where the machine has it, [::1].</summary>
    Loopback,

    /// <summary>The one IP address given.</summary>
    Address,
}

/// <summary>One entry of the configured addresses.</summary>
/// <param name="Url">The entry as configured.</param>
/// <param name="Scope">Which addresses it stands for.</param>
/// <param name="Address">The IP address to bind (for <see cref="ListenScope.Any"/>, [::] accepting IPv4 too, or 0.0.0.0).</param>
/// <param name="Port">The port; 0 lets the system choose one.</param>
public sealed record ListenAddress(string Url, ListenScope Scope, IPAddress Address, int Port);
