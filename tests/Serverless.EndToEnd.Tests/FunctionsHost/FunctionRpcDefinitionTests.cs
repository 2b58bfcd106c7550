using System.Reflection;
using Google.Protobuf.Reflection;
using Serverless.EndToEnd.Tests.FunctionsHost.Rpc;

namespace Serverless.EndToEnd.Tests.FunctionsHost;

/// <summary>
/// The test host's protocol definition against the one compiled into the worker the app ships with
/// (Microsoft.Azure.Functions.Worker.Grpc's generated descriptors, read by reflection because its message
/// types are the worker's own): every message, field and enum value the test host uses must exist there
/// with the same number and type, or the fake would talk a protocol the worker does not.
/// </summary>
public sealed class FunctionRpcDefinitionTests
{
    private static FileDescriptor WorkersDefinition()
    {
        var assembly = Assembly.Load("Microsoft.Azure.Functions.Worker.Grpc");
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            types = [.. ex.Types.OfType<Type>()];
        }

        var reflection = types.Single(t => t.Name == "FunctionRpcReflection");
        return (FileDescriptor)reflection.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
    }

    [Fact]
    public void Every_message_field_and_enum_value_of_the_test_host_has_the_workers_number_and_type()
    {
        var workers = WorkersDefinition();
        var ours = FunctionRpcReflection.Descriptor;
        Assert.Equal(workers.Package, ours.Package);

        var service = Assert.Single(ours.Services);
        var method = Assert.Single(service.Methods);
        var theirs = workers.Services.Single(s => s.FullName == service.FullName).FindMethodByName(method.Name)!;
        Assert.Equal((true, true, theirs.InputType.FullName), (method.IsClientStreaming && theirs.IsClientStreaming, method.IsServerStreaming && theirs.IsServerStreaming, method.InputType.FullName));

        var checkedFields = 0;
        foreach (var message in ours.MessageTypes)
        {
            var their = workers.MessageTypes.FirstOrDefault(m => m.FullName == message.FullName);
            Assert.True(their is not null, $"the worker has no message {message.FullName}");
            foreach (var field in message.Fields.InFieldNumberOrder())
            {
                var match = their.FindFieldByNumber(field.FieldNumber);
                Assert.True(match is not null, $"{message.Name}.{field.Name} = {field.FieldNumber}: the worker has no field of that number");
                Assert.Equal(($"{message.Name}.{field.Name}", field.FieldType, field.IsRepeated, field.IsMap, TypeName(field)), ($"{message.Name}.{match.Name}", match.FieldType, match.IsRepeated, match.IsMap, TypeName(match)));
                Assert.Equal(field.ContainingOneof?.Name, match.ContainingOneof?.Name);
                checkedFields++;
            }

            foreach (var enumType in message.EnumTypes)
            {
                var theirEnum = their.EnumTypes.Single(e => e.Name == enumType.Name);
                Assert.All(enumType.Values, v => Assert.Equal(v.Number, theirEnum.FindValueByName(v.Name)?.Number));
            }
        }

        Assert.True(checkedFields > 50, $"only {checkedFields} fields compared");
    }

    private static string TypeName(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message when field.IsMap => $"map<{field.MessageType.FindFieldByNumber(1).FieldType}, {TypeName(field.MessageType.FindFieldByNumber(2))}>",
        FieldType.Message => field.MessageType.FullName,
        FieldType.Enum => field.EnumType.FullName,
        _ => field.FieldType.ToString(),
    };
}
