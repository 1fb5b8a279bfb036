using Spectre.Console;
using Spectre.Console.Rendering;

namespace PoolOperator.Kubectl.Views;

/// <summary>Renders views as plain text at a fixed width: for files, pipes and the tests.</summary>
internal static class TextRendering
{
    public static string ToText(IRenderable view, int width = 120)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Write(view);
        return writer.ToString();
    }
}
