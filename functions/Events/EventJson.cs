using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Functions.Events;

public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
