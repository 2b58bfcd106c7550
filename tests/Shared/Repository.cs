namespace Serverless.Testing;

/// <summary>The checkout the tests run from.</summary>
public static class Repository
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Serverless.sln not found above the test directory.");
        }
    }
}
