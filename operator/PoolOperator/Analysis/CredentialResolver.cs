using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using k8s.Autorest;
using Microsoft.Extensions.Options;

namespace PoolOperator.Analysis;

/// <summary>
/// Turns a check's Secret/ConfigMap references into an Authorization header and a CA. Objects are cached briefly so a
/// check measured every few seconds does not read the apiserver every time; a missing object is not cached, so creating
/// it takes effect at the next measurement.
/// </summary>
internal sealed class CredentialResolver(ISecretSource source, CaTrustStore caTrustStore, IOptions<AnalysisOptions> options, TimeProvider timeProvider)
{
    public const string UsernameKey = "username";
    public const string PasswordKey = "password";

    private readonly ConcurrentDictionary<CacheKey, CacheEntry> cache = new();

    public async Task<CredentialResolution> ResolveAsync(string @namespace, CredentialReferences references, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (references.IsEmpty)
        {
            return CredentialResolution.Resolved(ResolvedCredentials.None);
        }

        if (references.BearerToken is not null && references.BasicAuth is not null)
        {
            return CredentialResolution.Failed("set either bearerTokenSecretRef or basicAuthSecretRef, not both");
        }

        if (references.CaSecret is not null && references.CaConfigMap is not null)
        {
            return CredentialResolution.Failed("set either caSecretRef or caConfigMapRef, not both");
        }

        var secrets = new List<string>();
        AuthenticationHeaderValue? authorization = null;
        CaBundle? ca = null;

        if (references.BearerToken is { } bearer)
        {
            var (token, problem) = await ReadSecretKeyAsync(@namespace, bearer.Name, bearer.Key, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return CredentialResolution.Failed(problem);
            }

            token = token!.Trim();
            secrets.Add(token);
            authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (references.BasicAuth is { } basic)
        {
            var (username, userProblem) = await ReadSecretKeyAsync(@namespace, basic.Name, UsernameKey, cancellationToken).ConfigureAwait(false);
            if (userProblem is not null)
            {
                return CredentialResolution.Failed(userProblem);
            }

            var (password, passwordProblem) = await ReadSecretKeyAsync(@namespace, basic.Name, PasswordKey, cancellationToken).ConfigureAwait(false);
            if (passwordProblem is not null)
            {
                return CredentialResolution.Failed(passwordProblem);
            }

            // Files written with `echo` end with a newline that is not part of the credential.
            username = username!.TrimEnd('\r', '\n');
            password = password!.TrimEnd('\r', '\n');
            var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
            secrets.Add(password);
            secrets.Add(encoded);
            authorization = new AuthenticationHeaderValue("Basic", encoded);
        }

        if (references.CaSecret is { } caSecret)
        {
            var (pem, problem) = await ReadSecretKeyAsync(@namespace, caSecret.Name, caSecret.Key, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return CredentialResolution.Failed(problem);
            }

            ca = caTrustStore.GetOrAdd(pem!);
            if (ca is null)
            {
                return CredentialResolution.Failed($"key '{caSecret.Key}' of secret '{caSecret.Name}' holds no PEM certificate");
            }
        }

        if (references.CaConfigMap is { } caConfigMap)
        {
            var (pem, problem) = await ReadConfigMapKeyAsync(@namespace, caConfigMap.Name, caConfigMap.Key, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return CredentialResolution.Failed(problem);
            }

            ca = caTrustStore.GetOrAdd(pem!);
            if (ca is null)
            {
                return CredentialResolution.Failed($"key '{caConfigMap.Key}' of configmap '{caConfigMap.Name}' holds no PEM certificate");
            }
        }

        return CredentialResolution.Resolved(new ResolvedCredentials(authorization, ca, secrets));
    }

    private async Task<(string? Value, string? Problem)> ReadSecretKeyAsync(string @namespace, string name, string key, CancellationToken cancellationToken)
    {
        var (data, problem) = await ReadAsync(new CacheKey(true, @namespace, name), cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (!data!.TryGetValue(key, out var value))
        {
            return (null, $"secret '{name}' has no key '{key}'");
        }

        return value.Trim().Length == 0 ? (null, $"key '{key}' of secret '{name}' is empty") : (value, null);
    }

    private async Task<(string? Value, string? Problem)> ReadConfigMapKeyAsync(string @namespace, string name, string key, CancellationToken cancellationToken)
    {
        var (data, problem) = await ReadAsync(new CacheKey(false, @namespace, name), cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return (null, problem);
        }

        return data!.TryGetValue(key, out var value) ? (value, null) : (null, $"configmap '{name}' has no key '{key}'");
    }

    private async Task<(IReadOnlyDictionary<string, string>? Data, string? Problem)> ReadAsync(CacheKey key, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (cache.TryGetValue(key, out var entry) && entry.ExpiresAt > now)
        {
            return (entry.Data, null);
        }

        var kind = key.IsSecret ? "secret" : "configmap";
        IReadOnlyDictionary<string, string>? data;
        try
        {
            data = key.IsSecret
                ? Decode(await source.GetSecretDataAsync(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false))
                : await source.GetConfigMapDataAsync(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden && key.IsSecret)
        {
            return (null, $"cannot read secret '{key.Name}' in namespace '{key.Namespace}': 403 Forbidden (the operator may read "
                + "Secrets only where it is granted; the Helm chart grants it with rbac.secrets.namespaces)");
        }
        catch (HttpOperationException e)
        {
            // Only the status: an apiserver error body is not ours to echo into a status field.
            return (null, $"cannot read {kind} '{key.Name}' in namespace '{key.Namespace}': {(int)e.Response.StatusCode} {e.Response.StatusCode}");
        }
        catch (Exception e)
        {
            return (null, $"cannot read {kind} '{key.Name}' in namespace '{key.Namespace}': {e.GetType().Name}");
        }

        if (data is null)
        {
            cache.TryRemove(key, out _);
            return (null, $"{kind} '{key.Name}' not found in namespace '{key.Namespace}'");
        }

        cache[key] = new CacheEntry(data, now + options.Value.CredentialCacheDuration);
        return (data, null);
    }

    private static Dictionary<string, string>? Decode(IReadOnlyDictionary<string, byte[]>? data) =>
        data?.ToDictionary(pair => pair.Key, pair => Encoding.UTF8.GetString(pair.Value), StringComparer.Ordinal);

    private readonly record struct CacheKey(bool IsSecret, string Namespace, string Name);

    private sealed record CacheEntry(IReadOnlyDictionary<string, string> Data, DateTimeOffset ExpiresAt);
}
