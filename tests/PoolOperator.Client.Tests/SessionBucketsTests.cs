using System.IO.Hashing;
using System.Text;
using Xunit;

namespace PoolOperator.Client.Tests;

public sealed class SessionBucketsTests
{
    private const int Keys = 10_000;

    // The vectors published in docs/sdk.md; a client in another language must reproduce them exactly.
    [Theory]
    [InlineData("", 0xef46db3751d8e999UL, 6921, 875)]
    [InlineData("abc", 0x44bc2cf5ad770999UL, 2249, 6568)]
    [InlineData("session-1", 0xb098057f22ed07c3UL, 1283, 7142)]
    [InlineData("session-42", 0x2389e998631f091eUL, 6766, 7661)]
    [InlineData("user:1001", 0x85caa85ae91fa802UL, 6962, 9749)]
    [InlineData("f47ac10b-58cc-4372-a567-0e02b2c3d479", 0x50cb937bb2d33620UL, 4928, 7367)]
    [InlineData("séssion-ü", 0x7bb347c705019cd0UL, 9312, 1837)]
    [InlineData("会话-7", 0xfedf27fb1a44fd1aUL, 5450, 2632)]
    public void Published_test_vectors_hold(string key, ulong hash, int selectionBucket, int shadowBucket)
    {
        Assert.Equal(hash, XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key), 0));
        Assert.Equal(selectionBucket, SessionBuckets.SelectionBucket(key));
        Assert.Equal(shadowBucket, SessionBuckets.ShadowBucket(key));
    }

    [Fact]
    public void A_key_longer_than_the_stack_buffer_hashes_like_any_other()
    {
        var key = new string('k', 4096) + "é";
        var expected = (int)(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key), 0) % 10_000);
        Assert.Equal(expected, SessionBuckets.SelectionBucket(key));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(25)]
    [InlineData(50)]
    public void The_share_on_V2_matches_the_percentage_by_chi_square(int percent)
    {
        var onV2 = Enumerable.Range(0, Keys).Count(i => SessionBuckets.IsWithin(SessionBuckets.SelectionBucket($"session-{i}"), percent));

        var expectedV2 = Keys * percent / 100.0;
        var expectedV1 = Keys - expectedV2;
        var chiSquare = Math.Pow(onV2 - expectedV2, 2) / expectedV2 + Math.Pow(Keys - onV2 - expectedV1, 2) / expectedV1;
        // 1 degree of freedom, p = 0.001.
        Assert.True(chiSquare < 10.828, $"{onV2} of {Keys} sessions on V2 at {percent}% (chi-square {chiSquare:F2})");
    }

    [Fact]
    public void Buckets_are_uniform_by_chi_square()
    {
        var counts = new int[100];
        foreach (var i in Enumerable.Range(0, Keys))
        {
            counts[SessionBuckets.SelectionBucket($"user-{i}") / 100]++;
        }

        var expected = Keys / 100.0;
        var chiSquare = counts.Sum(c => Math.Pow(c - expected, 2) / expected);
        // 99 degrees of freedom, p = 0.001.
        Assert.True(chiSquare < 148.23, $"chi-square {chiSquare:F2} over 100 classes");
    }

    [Fact]
    public void Shadow_selection_is_independent_of_the_V1_V2_split()
    {
        // 2x2 contingency table at 50% / 50%: being on V2 says nothing about being shadowed.
        var table = new int[2, 2];
        foreach (var i in Enumerable.Range(0, Keys))
        {
            var key = $"session-{i}";
            table[SessionBuckets.IsWithin(SessionBuckets.SelectionBucket(key), 50) ? 1 : 0, SessionBuckets.IsWithin(SessionBuckets.ShadowBucket(key), 50) ? 1 : 0]++;
        }

        var chiSquare = 0.0;
        for (var row = 0; row < 2; row++)
        {
            for (var column = 0; column < 2; column++)
            {
                var expected = (double)(table[row, 0] + table[row, 1]) * (table[0, column] + table[1, column]) / Keys;
                chiSquare += Math.Pow(table[row, column] - expected, 2) / expected;
            }
        }

        Assert.True(chiSquare < 10.828, $"chi-square {chiSquare:F2} (table {table[0, 0]} {table[0, 1]} / {table[1, 0]} {table[1, 1]})");
    }

    [Fact]
    public void Raising_the_percentage_only_adds_sessions_to_V2()
    {
        var keys = Enumerable.Range(0, Keys).Select(i => $"session-{i}").ToList();
        int[] steps = [0, 1, 5, 25, 50, 75, 100];
        var previous = new HashSet<string>();
        foreach (var percent in steps)
        {
            var onV2 = keys.Where(k => SessionBuckets.IsWithin(SessionBuckets.SelectionBucket(k), percent)).ToHashSet();
            Assert.True(previous.IsSubsetOf(onV2), $"a session left V2 when the share rose to {percent}%");
            previous = onV2;
        }

        Assert.Equal(Keys, previous.Count);
    }
}
