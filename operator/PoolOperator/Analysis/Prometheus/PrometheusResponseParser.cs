using System.Globalization;
using System.Text.Json;

namespace PoolOperator.Analysis.Prometheus;

/// <summary>Reads the answer of <c>/api/v1/query</c>: a scalar or a one-sample vector is a number, anything else a problem.</summary>
internal static class PrometheusResponseParser
{
    public static PrometheusQueryResult Parse(HttpAttemptResult response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.BodyTruncated)
        {
            return PrometheusQueryResult.NoNumber("response is too large; the query must return a single series");
        }

        if (response.IsRedirect)
        {
            return PrometheusQueryResult.NoNumber(response.RedirectMessage("Prometheus"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(response.Body);
        }
        catch (JsonException)
        {
            return PrometheusQueryResult.NoNumber(response.IsSuccess
                ? NotPrometheusJson(response)
                : $"Prometheus answered {response.StatusCode} {response.ReasonPhrase}: {response.Snippet()}".TrimEnd(' ', ':'));
        }

        using (document)
        {
            return ParseDocument(document.RootElement, response);
        }
    }

    private static PrometheusQueryResult ParseDocument(JsonElement root, HttpAttemptResult response)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return PrometheusQueryResult.NoNumber(NotPrometheusJson(response));
        }

        var status = String(root, "status");
        if (status != "error" && !response.IsSuccess)
        {
            return PrometheusQueryResult.NoNumber($"Prometheus answered {response.StatusCode} {response.ReasonPhrase}: {response.Snippet()}");
        }

        if (status == "error")
        {
            var errorType = String(root, "errorType") ?? "error";
            var error = String(root, "error") ?? "no error message";
            return PrometheusQueryResult.NoNumber($"query failed ({errorType}): {error}");
        }

        if (status != "success" || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("result", out var result))
        {
            return PrometheusQueryResult.NoNumber("response is not Prometheus API JSON");
        }

        return String(data, "resultType") switch
        {
            "scalar" => ParseSample(result),
            "vector" => ParseVector(result),
            "matrix" => PrometheusQueryResult.NoNumber("query returned a range vector (matrix); expected a scalar or an instant vector"),
            "string" => PrometheusQueryResult.NoNumber("query returned a string; expected a number"),
            var other => PrometheusQueryResult.NoNumber($"query returned unknown result type '{other}'"),
        };
    }

    private static PrometheusQueryResult ParseVector(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Array)
        {
            return PrometheusQueryResult.NoNumber("response is not Prometheus API JSON");
        }

        var count = result.GetArrayLength();
        if (count == 0)
        {
            return PrometheusQueryResult.NoNumber("query returned no data");
        }

        if (count > 1)
        {
            return PrometheusQueryResult.NoNumber($"query returned {count} series; expected 1 (aggregate with sum, max or avg)");
        }

        var sample = result[0];
        return sample.ValueKind == JsonValueKind.Object && sample.TryGetProperty("value", out var value)
            ? ParseSample(value)
            : PrometheusQueryResult.NoNumber("query returned a series without a value");
    }

    // A sample is [<unix time>, "<value>"]; Prometheus writes the value as a string so NaN and ±Inf survive JSON.
    private static PrometheusQueryResult ParseSample(JsonElement sample)
    {
        if (sample.ValueKind != JsonValueKind.Array || sample.GetArrayLength() != 2)
        {
            return PrometheusQueryResult.NoNumber("query returned a malformed sample");
        }

        var raw = sample[1];
        var text = raw.ValueKind switch
        {
            JsonValueKind.String => raw.GetString()!,
            JsonValueKind.Number => raw.GetRawText(),
            _ => null,
        };

        return ParseNumber(text) is { } number
            ? PrometheusQueryResult.Number(number)
            : PrometheusQueryResult.NoNumber($"value '{Truncate(text ?? raw.GetRawText())}' is not a number");
    }

    private static double? ParseNumber(string? text) => text switch
    {
        null => null,
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
        _ => null,
    };

    // A proxy's login page or an HTML error page says so in its content type; name it, and the start of the body.
    private static string NotPrometheusJson(HttpAttemptResult response) =>
        $"response is not Prometheus API JSON (content type {response.ContentType ?? "none"}): {response.Snippet(80)}".TrimEnd(' ', ':');

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString() : null;

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
