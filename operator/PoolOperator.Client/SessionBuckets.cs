using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace PoolOperator.Client;

/// <summary>
/// The stable session hash every PoolMigration client implements identically: XXH64 of the key's UTF-8 bytes,
/// modulo <see cref="BucketCount"/>. A session is on V2 when its bucket is below <c>v2Percent * 100</c>, so raising
/// the percentage only ever adds sessions to V2. Shadowing uses the same scheme with <see cref="ShadowSeed"/>, so
/// which sessions are shadowed does not depend on which are on V2.
/// </summary>
public static class SessionBuckets
{
    /// <summary>Number of buckets; one bucket is 0.01% of sessions.</summary>
    public const int BucketCount = 10_000;

    /// <summary>XXH64 seed for the V1/V2 split.</summary>
    public const long SelectionSeed = 0;

    /// <summary>XXH64 seed for shadow selection.</summary>
    public const long ShadowSeed = 1;

    // Keys up to this many UTF-8 bytes are hashed without touching the heap.
    private const int StackLimit = 512;

    /// <summary>The bucket (0–9999) that decides V1 or V2 for <paramref name="sessionKey"/>.</summary>
    public static int SelectionBucket(string sessionKey) => Bucket(sessionKey, SelectionSeed);

    /// <summary>The bucket (0–9999) that decides whether <paramref name="sessionKey"/> is shadowed.</summary>
    public static int ShadowBucket(string sessionKey) => Bucket(sessionKey, ShadowSeed);

    /// <summary>True when a session in <paramref name="bucket"/> falls within <paramref name="percent"/> (0–100).</summary>
    public static bool IsWithin(int bucket, int percent) => bucket < percent * 100;

    /// <summary>
    /// The routing decision's hashing in one pass over the key's UTF-8 bytes: whether the session is on V2 at
    /// <paramref name="v2Percent"/>, and, only when it is not, whether it is shadowed at <paramref name="shadowPercent"/>.
    /// </summary>
    internal static void Classify(string sessionKey, int v2Percent, int shadowPercent, out bool onV2, out bool shadowed)
    {
        onV2 = v2Percent >= 100;
        shadowed = false;
        if (onV2 || (v2Percent <= 0 && shadowPercent <= 0))
        {
            return;
        }

        var maxBytes = Encoding.UTF8.GetMaxByteCount(sessionKey.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var bytes = buffer[..Encoding.UTF8.GetBytes(sessionKey, buffer)];
            onV2 = v2Percent > 0 && IsWithin((int)(XxHash64.HashToUInt64(bytes, SelectionSeed) % BucketCount), v2Percent);
            shadowed = !onV2 && (shadowPercent >= 100
                || (shadowPercent > 0 && IsWithin((int)(XxHash64.HashToUInt64(bytes, ShadowSeed) % BucketCount), shadowPercent)));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>XXH64 of the UTF-8 bytes of <paramref name="sessionKey"/> with <paramref name="seed"/>, modulo <see cref="BucketCount"/>.</summary>
    public static int Bucket(string sessionKey, long seed)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        var maxBytes = Encoding.UTF8.GetMaxByteCount(sessionKey.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = Encoding.UTF8.GetBytes(sessionKey, buffer);
            return (int)(XxHash64.HashToUInt64(buffer[..length], seed) % BucketCount);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
