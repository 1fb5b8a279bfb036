namespace PoolOperator.Hosting;

/// <summary>The CustomResourceDefinitions compiled into the operator (the files of the repository's crds/ folder).</summary>
internal static class EmbeddedCrds
{
    private const string Prefix = "crds/";

    /// <summary>Each CRD's file name and YAML text, in file-name order.</summary>
    public static IReadOnlyList<(string FileName, string Yaml)> All()
    {
        var assembly = typeof(EmbeddedCrds).Assembly;
        var crds = new List<(string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            crds.Add((resource[Prefix.Length..], reader.ReadToEnd()));
        }

        // A build that silently embedded nothing would ship an operator that installs no CRD.
        return crds.Count > 0
            ? crds
            : throw new InvalidOperationException("This build of the operator embeds no CRD: it was built without the repository's crds/ folder");
    }
}
