using Serverless.Relay.Delivery;

namespace Serverless.Tests.Relay.Delivery;

public sealed class DeliveredEventLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("delivered").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Forgets_the_oldest_ids_beyond_its_capacity()
    {
        using var log = new DeliveredEventLog(capacity: 3);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            log.Add(id);
        }

        Assert.False(log.Contains("a"));
        Assert.True(log.Contains("b"));
        Assert.True(log.Contains("d"));
        Assert.Equal(3, log.Count);
    }

    [Fact]
    public void Survives_a_restart_through_its_state_file()
    {
        var path = Path.Combine(_dir, "nested", "ops.delivered");
        using (var first = new DeliveredEventLog(capacity: 100, stateFile: path))
        {
            first.Add("e1");
            first.Add("e2");
        }

        using var second = new DeliveredEventLog(capacity: 100, stateFile: path);
        Assert.True(second.Contains("e1"));
        Assert.True(second.Contains("e2"));
        Assert.False(second.Contains("e3"));
    }

    [Fact]
    public void The_state_file_stays_bounded()
    {
        var path = Path.Combine(_dir, "ops.delivered");
        using (var log = new DeliveredEventLog(capacity: 10, stateFile: path))
        {
            for (var i = 0; i < 1000; i++)
            {
                log.Add($"e{i}");
            }
        }

        Assert.InRange(File.ReadAllLines(path).Length, 10, 21);
        using var reloaded = new DeliveredEventLog(capacity: 10, stateFile: path);
        Assert.True(reloaded.Contains("e999"));
        Assert.False(reloaded.Contains("e0"));
    }
}
