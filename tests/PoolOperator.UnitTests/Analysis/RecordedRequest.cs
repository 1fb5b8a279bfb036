using System.Web;

namespace PoolOperator.UnitTests.Analysis;

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string Body)
{
    /// <summary>A form field of a POSTed query, or a query-string parameter of a GET.</summary>
    public string? Parameter(string name) =>
        HttpUtility.ParseQueryString(Method == HttpMethod.Post ? Body : Uri.Query)[name];
}
