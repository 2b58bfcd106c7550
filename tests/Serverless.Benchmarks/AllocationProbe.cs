using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Serverless.Benchmarks;

/// <summary>
/// Bytes allocated per webhook without touching the app: the harness's own dll is loaded into the server
/// process as a .NET startup hook (DOTNET_STARTUP_HOOKS), and writes GC.GetTotalAllocatedBytes to a file
/// every 20 ms, which the harness reads before and after a measured run.
/// </summary>
internal static class AllocationProbe
{
    public const string FileSetting = "BENCH_ALLOCATION_FILE";
    private const int Width = 20;
    private static Timer? s_timer;

    public static void Start()
    {
        if (Environment.GetEnvironmentVariable(FileSetting) is not { Length: > 0 } path)
        {
            return;
        }

        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        var buffer = new byte[Width];
        s_timer = new Timer(_ => Write(handle, buffer), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
    }

    private static void Write(SafeFileHandle handle, byte[] buffer)
    {
        // Fixed width, written in place: no allocation of its own, and never a partly shorter number.
        var value = GC.GetTotalAllocatedBytes(precise: false);
        for (var i = Width - 1; i >= 0; i--)
        {
            buffer[i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        RandomAccess.Write(handle, buffer, 0);
    }

    public static long? Read(string path)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                var text = Encoding.ASCII.GetString(File.ReadAllBytes(path));
                if (text.Length == Width && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
            catch (IOException)
            {
                // Not written yet.
            }

            Thread.Sleep(10);
        }

        return null;
    }
}
