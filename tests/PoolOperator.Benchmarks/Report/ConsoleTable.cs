namespace PoolOperator.Benchmarks.Report;

/// <summary>Prints one run's figures as an aligned table.</summary>
internal static class ConsoleTable
{
    public static void Print(RunResult run)
    {
        var rows = Figures.All
            .Where(f => run.Figures.ContainsKey(f.Id))
            .Select(f => (Title: f.Title, Value: FigureFormat.WithVerdict(f, run.Figures[f.Id], run.Migrations), Target: f.TargetFor(run.Migrations)?.ToString() ?? ""))
            .ToList();
        if (rows.Count == 0)
        {
            Console.WriteLine("No figures were measured.");
            return;
        }

        var titleWidth = rows.Max(r => r.Title.Length);
        var valueWidth = rows.Max(r => r.Value.Length);
        Console.WriteLine();
        Console.WriteLine($"{run.Column} ({run.Date}, {run.Machine})");
        Console.WriteLine($"{"Figure".PadRight(titleWidth)}  {"Value".PadRight(valueWidth)}  Target");
        Console.WriteLine(new string('-', titleWidth + valueWidth + 12));
        foreach (var (title, value, target) in rows)
        {
            Console.WriteLine($"{title.PadRight(titleWidth)}  {value.PadRight(valueWidth)}  {target}");
        }

        foreach (var (section, breakdown) in run.Breakdowns)
        {
            Console.WriteLine();
            Console.WriteLine($"{section}:");
            foreach (var (key, value) in breakdown)
            {
                Console.WriteLine($"  {key.PadRight(titleWidth)}  {value:0.###}");
            }
        }

        foreach (var note in run.Notes)
        {
            Console.WriteLine("Note: " + note);
        }
    }
}
