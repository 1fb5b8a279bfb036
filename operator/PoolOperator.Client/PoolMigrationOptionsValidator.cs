using Microsoft.Extensions.Options;

namespace PoolOperator.Client;

/// <summary>Checks <see cref="PoolMigrationOptions"/> at start-up so a bad setting fails the deployment, not a request.</summary>
internal sealed class PoolMigrationOptionsValidator : IValidateOptions<PoolMigrationOptions>
{
    public ValidateOptionsResult Validate(string? name, PoolMigrationOptions options)
    {
        var failures = Problems(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static void ThrowIfInvalid(PoolMigrationOptions options)
    {
        var failures = Problems(options).ToList();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(nameof(PoolMigrationOptions), typeof(PoolMigrationOptions), failures);
        }
    }

    private static IEnumerable<string> Problems(PoolMigrationOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.FlagsKey))
        {
            yield return "PoolMigration:FlagsKey must name the document's file and ConfigMap key";
        }

        if (options.Source == FlagsSourceKind.File && string.IsNullOrWhiteSpace(options.FlagsDirectory))
        {
            yield return "PoolMigration:FlagsDirectory must name the directory the flags ConfigMap is mounted at";
        }

        if (options.Source == FlagsSourceKind.Kubernetes && string.IsNullOrWhiteSpace(options.ConfigMapName))
        {
            yield return "PoolMigration:ConfigMapName is required when PoolMigration:Source is Kubernetes";
        }

        if (options.RecheckInterval <= TimeSpan.Zero)
        {
            yield return $"PoolMigration:RecheckInterval must be positive, got {options.RecheckInterval}";
        }

        var shadow = options.Shadow;
        if (shadow.MaxConcurrency < 1)
        {
            yield return $"PoolMigration:Shadow:MaxConcurrency must be at least 1, got {shadow.MaxConcurrency}";
        }

        if (shadow.QueueCapacity < 1)
        {
            yield return $"PoolMigration:Shadow:QueueCapacity must be at least 1, got {shadow.QueueCapacity}";
        }

        if (shadow.Timeout <= TimeSpan.Zero)
        {
            yield return $"PoolMigration:Shadow:Timeout must be positive, got {shadow.Timeout}";
        }

        if (shadow.MismatchSampleSize < 0)
        {
            yield return $"PoolMigration:Shadow:MismatchSampleSize must not be negative, got {shadow.MismatchSampleSize}";
        }

        var breaker = options.Breaker;
        if (breaker.Enabled)
        {
            if (breaker.FailureRatio is <= 0 or > 1)
            {
                yield return $"PoolMigration:Breaker:FailureRatio must be above 0 and at most 1, got {breaker.FailureRatio}";
            }

            if (breaker.MinimumThroughput < 2)
            {
                yield return $"PoolMigration:Breaker:MinimumThroughput must be at least 2, got {breaker.MinimumThroughput}";
            }

            if (breaker.SamplingDuration < TimeSpan.FromMilliseconds(500))
            {
                yield return $"PoolMigration:Breaker:SamplingDuration must be at least 0.5 s, got {breaker.SamplingDuration}";
            }

            if (breaker.BreakDuration < TimeSpan.FromMilliseconds(500))
            {
                yield return $"PoolMigration:Breaker:BreakDuration must be at least 0.5 s, got {breaker.BreakDuration}";
            }
        }
    }
}
