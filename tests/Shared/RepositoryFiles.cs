namespace PoolOperator.Tests.Shared;

/// <summary>Finds files of the repository (CRDs, examples) from the test's output directory.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PoolOperator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"PoolOperator.sln not found above {AppContext.BaseDirectory}");
    }
}
