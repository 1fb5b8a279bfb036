using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PoolOperator.IntegrationTests.Infrastructure;

/// <summary>Sends cluster start-up progress to the test runner's diagnostic output.</summary>
internal sealed class MessageSinkLogger(IMessageSink sink, string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var message = $"[{category}] {formatter(state, exception)}";
        if (exception is not null)
        {
            message += Environment.NewLine + exception;
        }

        sink.OnMessage(new DiagnosticMessage(message));
    }
}
