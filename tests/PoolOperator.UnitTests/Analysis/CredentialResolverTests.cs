using System.Net;
using k8s.Autorest;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using Xunit;

namespace PoolOperator.UnitTests.Analysis;

public sealed class CredentialResolverTests
{
    private readonly InMemorySecretSource secrets = new();
    private readonly FakeTimeProvider time = new();
    private readonly CredentialResolver resolver;

    public CredentialResolverTests() =>
        resolver = new CredentialResolver(secrets, new CaTrustStore(), Options.Create(new AnalysisOptions { CredentialCacheDuration = TimeSpan.FromSeconds(30) }), time);

    [Fact]
    public async Task Secret_is_read_once_within_the_cache_duration_and_again_after()
    {
        secrets.SetSecret("shop", "token", ("token", "first-value"));
        var references = new CredentialReferences(BearerToken: new SecretKeyReference { Name = "token", Key = "token" });

        await resolver.ResolveAsync("shop", references, CancellationToken.None);
        secrets.SetSecret("shop", "token", ("token", "second-value"));
        var cached = await resolver.ResolveAsync("shop", references, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(31));
        var refreshed = await resolver.ResolveAsync("shop", references, CancellationToken.None);

        Assert.Equal("Bearer first-value", cached.Credentials!.Authorization!.ToString());
        Assert.Equal("Bearer second-value", refreshed.Credentials!.Authorization!.ToString());
        Assert.Equal(2, secrets.SecretReads);
    }

    [Fact]
    public async Task Secret_created_after_a_miss_is_used_at_once()
    {
        var references = new CredentialReferences(BearerToken: new SecretKeyReference { Name = "token", Key = "token" });

        var missing = await resolver.ResolveAsync("shop", references, CancellationToken.None);
        secrets.SetSecret("shop", "token", ("token", "value-1234"));
        var found = await resolver.ResolveAsync("shop", references, CancellationToken.None);

        Assert.Equal("secret 'token' not found in namespace 'shop'", missing.Problem);
        Assert.NotNull(found.Credentials);
    }

    [Fact]
    public async Task Missing_key_and_missing_basic_auth_keys_are_named()
    {
        secrets.SetSecret("shop", "creds", ("user", "x"));

        var bearer = await resolver.ResolveAsync("shop", new CredentialReferences(BearerToken: new SecretKeyReference { Name = "creds", Key = "token" }), CancellationToken.None);
        var basic = await resolver.ResolveAsync("shop", new CredentialReferences(BasicAuth: new LocalObjectReference { Name = "creds" }), CancellationToken.None);

        Assert.Equal("secret 'creds' has no key 'token'", bearer.Problem);
        Assert.Equal("secret 'creds' has no key 'username'", basic.Problem);
    }

    [Fact]
    public async Task Apiserver_errors_are_reported_without_their_text()
    {
        secrets.Failure = new InvalidOperationException("details that may include anything");

        var result = await resolver.ResolveAsync("shop", new CredentialReferences(BearerToken: new SecretKeyReference { Name = "t", Key = "k" }), CancellationToken.None);

        Assert.Equal("cannot read secret 't' in namespace 'shop': InvalidOperationException", result.Problem);
    }

    [Fact]
    public async Task A_secret_the_operator_may_not_read_says_how_to_grant_it()
    {
        secrets.Failure = new HttpOperationException("forbidden")
        {
            Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.Forbidden), "secrets \"t\" is forbidden: User ..."),
        };

        var result = await resolver.ResolveAsync("shop", new CredentialReferences(BearerToken: new SecretKeyReference { Name = "t", Key = "k" }), CancellationToken.None);

        Assert.StartsWith("cannot read secret 't' in namespace 'shop': 403 Forbidden", result.Problem, StringComparison.Ordinal);
        Assert.Contains("rbac.secrets.namespaces", result.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("User", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CA_that_is_not_PEM_is_reported()
    {
        secrets.SetConfigMap("shop", "ca", ("ca.crt", "not a certificate"));

        var result = await resolver.ResolveAsync("shop", new CredentialReferences(CaConfigMap: new ConfigMapKeyReference { Name = "ca", Key = "ca.crt" }), CancellationToken.None);

        Assert.Equal("key 'ca.crt' of configmap 'ca' holds no PEM certificate", result.Problem);
    }
}
