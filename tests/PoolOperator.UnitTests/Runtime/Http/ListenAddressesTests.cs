using System.Net;
using Microsoft.Extensions.Configuration;
using PoolOperator.Runtime.Http;
using Xunit;

namespace PoolOperator.UnitTests.Runtime.Http;

/// <summary>Where the operator listens, from the settings ASP.NET Core users already set.</summary>
public sealed class ListenAddressesTests
{
    [Theory]
    [InlineData("http://+:8080", ListenScope.Any, "::", 8080)]
    [InlineData("http://*:9090/", ListenScope.Any, "::", 9090)]
    [InlineData("http://0.0.0.0:8080", ListenScope.Any, "0.0.0.0", 8080)]
    [InlineData("http://[::]:8080", ListenScope.Any, "::", 8080)]
    [InlineData("http://localhost:5000", ListenScope.Loopback, "127.0.0.1", 5000)]
    [InlineData("HTTP://127.0.0.1:0", ListenScope.Address, "127.0.0.1", 0)]
    [InlineData("http://[::1]:8081", ListenScope.Address, "::1", 8081)]
    [InlineData("http://10.1.2.3", ListenScope.Address, "10.1.2.3", 80)]
    public void AnAddressIsReadAsKestrelReadsIt(string url, ListenScope scope, string address, int port)
    {
        var parsed = Assert.Single(ListenAddresses.Parse(url, "--urls"));
        Assert.Equal(new ListenAddress(url, scope, IPAddress.Parse(address), port), parsed);
    }

    [Theory]
    [InlineData("https://+:8443", "--urls: 'https://+:8443' asks for HTTPS; the operator serves /healthz, /readyz and /metrics over plain HTTP only (terminate TLS in front of it)")]
    [InlineData("+:8080", "--urls: '+:8080' is not an http:// address")]
    [InlineData("http://+:80a", "--urls: 'http://+:80a' has port '80a', not a number from 0 to 65535")]
    [InlineData("http://+:70000", "--urls: 'http://+:70000' has port '70000', not a number from 0 to 65535")]
    [InlineData("http://+:8080/metrics", "--urls: 'http://+:8080/metrics' has a path; the endpoints are always /healthz, /readyz and /metrics")]
    [InlineData("http://operator.example:8080", "--urls: 'http://operator.example:8080' names host 'operator.example'; listen on an IP address, localhost, * or +")]
    [InlineData("http://[::1:8080", "--urls: 'http://[::1:8080' has an IPv6 address without its closing ']'")]
    [InlineData(" ; ", "--urls names no address to listen on")]
    public void AnAddressThatCannotBeServedIsNamedInTheError(string urls, string message)
    {
        var error = Assert.Throws<FormatException>(() => ListenAddresses.Parse(urls, "--urls"));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void SeveralAddressesAreSeparatedBySemicolons()
    {
        var parsed = ListenAddresses.Parse("http://127.0.0.1:8080; http://[::1]:8080", "--urls");
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], parsed.Select(a => a.Address));
    }

    [Theory]
    [InlineData("http://127.0.0.1:1", "http://127.0.0.1:2", "8080", "http://127.0.0.1:1")]
    [InlineData(null, "http://127.0.0.1:2", "8080", "http://127.0.0.1:2")]
    [InlineData(null, null, "8080;8081", "http://*:8080")]
    [InlineData(null, null, null, "http://localhost:5000")]
    public void UrlsWinOverAspNetCoreUrlsWhichWinOverHttpPorts(string? urls, string? aspNetCoreUrls, string? httpPorts, string first)
    {
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = urls,
            ["ASPNETCORE_URLS"] = aspNetCoreUrls,
            ["ASPNETCORE_HTTP_PORTS"] = httpPorts,
        };
        var addresses = ListenAddresses.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        Assert.Equal(first, addresses[0].Url);
    }
}
