using Serverless.Functions;

var app = FunctionsApp.Build(args);
await app.RunAsync();
