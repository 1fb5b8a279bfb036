using System.Text;

namespace PoolOperator.Analysis;

/// <summary>What one HTTP attempt produced, read completely inside the attempt so its timeout covers the body too.</summary>
internal sealed record HttpAttemptResult(int StatusCode, string ReasonPhrase, string Body, bool BodyTruncated)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public bool IsRedirect => StatusCode is >= 300 and < 400;

    /// <summary>The media type the server declared (e.g. <c>text/html</c>), or null.</summary>
    public string? ContentType { get; init; }

    /// <summary>Where a 3xx answer points (its Location header), or null. Redirects are never followed.</summary>
    public Uri? Location { get; init; }

    /// <summary>Reads at most <paramref name="maxBytes"/> of the body: a misbehaving server cannot make the operator buffer gigabytes.</summary>
    public static async Task<HttpAttemptResult> ReadAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[maxBytes + 1];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            var truncated = read > maxBytes;
            var body = Encoding.UTF8.GetString(buffer, 0, Math.Min(read, maxBytes));
            return new HttpAttemptResult((int)response.StatusCode, response.ReasonPhrase ?? "", body, truncated)
            {
                ContentType = response.Content.Headers.ContentType?.MediaType,
                Location = response.Headers.Location is { } location && response.RequestMessage?.RequestUri is { } requested
                    ? new Uri(requested, location)
                    : response.Headers.Location,
            };
        }
    }

    /// <summary>Leaves the body out: it may echo credentials, and records print every property by default.</summary>
    public override string ToString() => $"HTTP {StatusCode} {ReasonPhrase} ({Body.Length} characters)";

    /// <summary>
    /// Why a redirect is not followed: the operator sends credentials only to the address the check names, so a
    /// redirect (to another host above all) is the endpoint's configuration to fix, not an answer.
    /// </summary>
    public string RedirectMessage(string who) =>
        $"{$"{who} answered {StatusCode} {ReasonPhrase}".TrimEnd()}, a redirect to {Location?.GetLeftPart(UriPartial.Path) ?? "nowhere (no Location header)"}; " +
        "redirects are not followed: set the address the redirect points to";

    /// <summary>The first characters of the body on one line, for messages.</summary>
    public string Snippet(int maxChars = 200)
    {
        var text = Body.ReplaceLineEndings(" ").Trim();
        return text.Length <= maxChars ? text : text[..maxChars] + "…";
    }
}
