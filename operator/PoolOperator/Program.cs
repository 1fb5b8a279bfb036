using PoolOperator.Hosting;

return await OperatorCommandLine.RunAsync(args).ConfigureAwait(false);
