using Serverless.Functions;
using Serverless.Functions.Hosting;

if (FunctionsHostDetection.Detect(args) == AppHost.FunctionsHost)
{
    await FunctionsWorker.Build(args).RunAsync();
}
else
{
    await LocalServer.Build(args).RunAsync();
}
