using PoolOperator.Kubectl;

return await PluginCommandLine.RunAsync(args);
