using Microsoft.Extensions.Options;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Analysis;

/// <summary>
/// Measures every check of a migration at once. Each check is bounded by its own budget plus a margin, so one
/// slow provider delays this call by at most the largest budget, and a misbehaving provider yields an
/// inconclusive measurement instead of an exception.
/// </summary>
internal sealed class AnalysisRunner(
    IEnumerable<IAnalysisProvider> providers,
    IOptions<AnalysisOptions> options,
    CredentialResolver credentialResolver,
    TimeProvider timeProvider,
    ILogger<AnalysisRunner> logger) : ICheckMeasurer
{
    private readonly IAnalysisProvider[] providers = [.. providers];
    private readonly string providerNames = AnalysisProviderRegistry.JoinNames(providers.Select(provider => provider.Descriptor.Name), "or");

    /// <summary>Returns one measurement per check, in the order of <paramref name="checks"/>. Throws only when <paramref name="ct"/> is cancelled.</summary>
    public async Task<IReadOnlyList<Measurement>> MeasureAllAsync(IReadOnlyList<AnalysisCheck> checks, string @namespace, MeasurementContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(checks);
        if (checks.Count == 0)
        {
            return [];
        }

        var measurements = await Task.WhenAll(checks.Select(check => MeasureOneAsync(check, @namespace, context, ct))).ConfigureAwait(false);
        return measurements;
    }

    public async Task<IReadOnlyList<SpecProblem>> CredentialProblemsAsync(IReadOnlyList<AnalysisCheck> checks, string @namespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var problems = new List<SpecProblem>();
        for (var i = 0; i < checks.Count; i++)
        {
            foreach (var provider in providers.Where(provider => provider.Descriptor.IsUsedBy(checks[i])))
            {
                var references = provider.Descriptor.Credentials(checks[i]);
                var path = $"spec.analysis.checks[{i}].{provider.Descriptor.CredentialsPath}";
                // One reference at a time, so the problem names the field that points at the missing object or key.
                (string Field, CredentialReferences Only)[] each =
                [
                    ("bearerTokenSecretRef", new(BearerToken: references.BearerToken)),
                    ("basicAuthSecretRef", new(BasicAuth: references.BasicAuth)),
                    ("caSecretRef", new(CaSecret: references.CaSecret)),
                    ("caConfigMapRef", new(CaConfigMap: references.CaConfigMap)),
                ];
                foreach (var (field, only) in each.Where(reference => !reference.Only.IsEmpty))
                {
                    var resolution = await credentialResolver.ResolveAsync(@namespace, only, cancellationToken).ConfigureAwait(false);
                    if (resolution.Problem is { } problem)
                    {
                        problems.Add(new($"{path}.{field}", problem));
                    }
                }
            }
        }

        return problems;
    }

    private async Task<Measurement> MeasureOneAsync(AnalysisCheck check, string @namespace, MeasurementContext context, CancellationToken ct)
    {
        Measurement Inconclusive(string message) => new(check.Name, Verdict.Inconclusive, null, null, message, timeProvider.GetUtcNow());

        var candidates = providers.Where(provider => provider.Descriptor.IsUsedBy(check)).ToArray();
        if (candidates.Length == 0)
        {
            return Inconclusive($"check sets no provider: set {providerNames}");
        }

        if (candidates.Length > 1)
        {
            return Inconclusive($"check sets more than one provider: set exactly one of {providerNames}");
        }

        var provider = candidates[0];
        var limit = CheckBudget.For(provider.Descriptor, check, options.Value) + options.Value.RunnerMargin;
        using var deadline = new CancellationTokenSource(limit, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);

        // Task.Run: a provider that blocks before its first await must not hold up the other checks.
        var measuring = Task.Run(() => provider.MeasureAsync(check, @namespace, context, linked.Token), linked.Token);
        try
        {
            var measurement = await measuring.WaitAsync(limit, timeProvider, ct).ConfigureAwait(false);
            return measurement with { CheckName = check.Name };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Observe(measuring);
            throw;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Observe(measuring);
            logger.LogWarning("Check {Check} in {Namespace}: no result within {Limit}", check.Name, @namespace, limit);
            return Inconclusive($"no result within {limit.TotalSeconds:0.###}s");
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Check {Check} in {Namespace}: provider {Provider} failed", check.Name, @namespace, provider.GetType().Name);
            return Inconclusive($"{provider.GetType().Name} failed: {e.Message}");
        }
    }

    // A provider abandoned after its deadline may still fault later; observe it so the fault is not reported as unobserved.
    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
