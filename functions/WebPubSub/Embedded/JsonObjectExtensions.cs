using System.Text.Json.Nodes;

namespace Serverless.Functions.WebPubSub.Embedded;

internal static class JsonObjectExtensions
{
    /// <summary>Copies the properties of <paramref name="other"/> after those of <paramref name="target"/>.</summary>
    public static JsonObject Merge(this JsonObject target, JsonObject other)
    {
        foreach (var (key, value) in other)
        {
            target[key] = value?.DeepClone();
        }

        return target;
    }
}
