using System.Diagnostics.CodeAnalysis;

namespace Serverless.Relay.Delivery;

/// <summary>
/// A map of at most <c>capacity</c> keys: past it, the key added first is forgotten first. Changing a
/// known key's value keeps its place. Not thread-safe: each owner uses it under its own lock.
/// </summary>
internal sealed class BoundedMap<TValue>(int capacity)
{
    private readonly Dictionary<string, TValue> _byKey = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Count => _byKey.Count;

    /// <summary>The keys, oldest first.</summary>
    public IEnumerable<string> Keys => _order;

    /// <summary>Adds an unknown key (forgetting the oldest past the capacity); false when the key is known.</summary>
    public bool TryAdd(string key, TValue value)
    {
        if (!_byKey.TryAdd(key, value))
        {
            return false;
        }

        _order.Enqueue(key);
        while (_order.Count > capacity)
        {
            _byKey.Remove(_order.Dequeue());
        }

        return true;
    }

    /// <summary>Adds the key, or changes its value where it stands.</summary>
    public void Set(string key, TValue value)
    {
        if (!TryAdd(key, value))
        {
            _byKey[key] = value;
        }
    }

    public bool ContainsKey(string key) => _byKey.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => _byKey.TryGetValue(key, out value);
}
