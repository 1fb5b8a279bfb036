using PoolOperator.Demo;

return await DemoCommand.RunAsync(args).ConfigureAwait(false);
