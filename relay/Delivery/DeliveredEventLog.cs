using System.Text;

namespace Serverless.Relay.Delivery;

/// <summary>
/// The ids of events already handed to Claude Code, bounded (oldest forgotten first), so an event
/// that comes again through the backlog or a redelivered doorbell is not shown twice. With a state
/// file it survives a relay restart: ids are appended as they are delivered, and the file is
/// rewritten to the bounded set when it has grown to twice that.
/// </summary>
public sealed class DeliveredEventLog : IDisposable
{
    public const int DefaultCapacity = 10_000;

    private readonly Lock _gate = new();
    // The value is unused: the keys are the set.
    private readonly BoundedMap<bool> _ids;
    private readonly int _capacity;
    private readonly string? _stateFile;
    private StreamWriter? _writer;
    private int _linesInFile;

    public DeliveredEventLog(int capacity = DefaultCapacity, string? stateFile = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _ids = new BoundedMap<bool>(capacity);
        _stateFile = stateFile;
        if (stateFile is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(stateFile))!);
        if (File.Exists(stateFile))
        {
            foreach (var line in File.ReadLines(stateFile))
            {
                var id = line.Trim();
                if (id.Length > 0)
                {
                    Remember(id);
                    _linesInFile++;
                }
            }
        }

        _writer = OpenForAppend(stateFile);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ids.Count;
            }
        }
    }

    public bool Contains(string id)
    {
        lock (_gate)
        {
            return _ids.ContainsKey(id);
        }
    }

    /// <summary>Records a delivered id; with a state file, it is on disk when this returns.</summary>
    public void Add(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        lock (_gate)
        {
            if (!Remember(id) || _writer is null)
            {
                return;
            }

            _writer.WriteLine(id);
            _writer.Flush();
            if (++_linesInFile > 2 * _capacity)
            {
                Compact();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private bool Remember(string id) => _ids.TryAdd(id, true);

    private void Compact()
    {
        _writer!.Dispose();
        var temp = _stateFile + ".tmp";
        File.WriteAllLines(temp, _ids.Keys, new UTF8Encoding(false));
        File.Move(temp, _stateFile!, overwrite: true);
        _linesInFile = _ids.Count;
        _writer = OpenForAppend(_stateFile!);
    }

    private static StreamWriter OpenForAppend(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
}
