using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Grpc.Core;
using Serverless.EndToEnd.Tests.FunctionsHost.Rpc;

namespace Serverless.EndToEnd.Tests.FunctionsHost;

/// <summary>A function the worker indexed and loaded, with its HTTP trigger as the host maps it.</summary>
public sealed record HostedFunction(string Id, string Name, string TriggerBinding, string Route, IReadOnlyList<string> Methods);

/// <summary>
/// The Functions host's end of the worker's gRPC <c>EventStream</c> (the host's GrpcWorkerChannel), in
/// the order the host drives it: the worker opens the stream with <c>StartStream</c>; the host sends
/// <c>WorkerInitRequest</c> and reads the worker's capabilities; asks for the functions the worker
/// indexed (<c>FunctionsMetadataRequest</c>, worker indexing); sends one <c>FunctionLoadRequest</c> per
/// function (the worker does not claim <c>SupportsLoadResponseCollection</c>); then one
/// <c>InvocationRequest</c> per HTTP request. Stricter than the host, which logs and goes on: a wrong
/// worker id, a failed init, indexing or load status, a response to something it did not send, and any
/// message this host does not speak is a violation (<see cref="Violations"/>) that fails start-up and
/// every invocation in flight; a failed invocation is reported by <see cref="HttpFront"/>.
/// Not here: placeholder mode (environment reload), worker status and warm-up requests, invocation
/// cancellation, shared memory and retries; this app uses none of them.
/// </summary>
public sealed class WorkerChannel(string workerId, string appDirectory) : FunctionRpc.FunctionRpcBase
{
    /// <summary>The host's version the host sends the worker; a 4.x host.</summary>
    public const string HostVersion = "4.1044.0.0";

    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource<IReadOnlyList<HostedFunction>> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new();
    private readonly ConcurrentQueue<string> _logs = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly Dictionary<string, HostedFunction> _pendingLoads = [];
    private readonly List<HostedFunction> _functions = [];
    private int _streams;

    /// <summary>The functions, once every one is loaded; faults on a protocol violation.</summary>
    public Task<IReadOnlyList<HostedFunction>> Loaded => _loaded.Task;

    /// <summary>The worker's capabilities from its <c>WorkerInitResponse</c>.</summary>
    public IReadOnlyDictionary<string, string> Capabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>The worker's own Kestrel, where the host forwards HTTP requests (its <c>HttpUri</c> capability).</summary>
    public Uri HttpUri { get; private set; } = null!;

    /// <summary>Every protocol violation seen, including those after start-up (a test asserts there are none).</summary>
    public IReadOnlyCollection<string> Violations => [.. _violations];

    /// <summary>The worker's <c>RpcLog</c> messages, as the host would write them to its own log.</summary>
    public string Logs => string.Join('\n', _logs);

    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        if (Interlocked.Increment(ref _streams) > 1)
        {
            // This host does not offer MultiStream, so a worker has no reason to open a second stream.
            Fail("the worker opened a second EventStream");
            return;
        }

        // One writer: gRPC allows one pending write per stream, and invocations are sent concurrently.
        var writer = WriteAsync(responseStream, context.CancellationToken);
        try
        {
            await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken))
            {
                Receive(message);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The worker went away or the host is stopping.
        }
        catch (IOException)
        {
            // The worker process ended mid-stream.
        }
        finally
        {
            _outbound.Writer.TryComplete();
            Closed("the worker closed its EventStream");
            await writer;
        }
    }

    /// <summary>
    /// Sends the invocation for one HTTP request, as the host does for a worker with <c>HttpUri</c>: the
    /// trigger's input is an empty <c>RpcHttp</c> (the request itself goes to the worker's Kestrel), and the
    /// trigger metadata carries the route values (the host leaves out the request objects because the
    /// worker claims <c>RpcHttpTriggerMetadataRemoved</c>).
    /// </summary>
    public Task<InvocationResponse> InvokeAsync(
        HostedFunction function, string invocationId, IReadOnlyDictionary<string, string> routeValues, string traceParent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(routeValues);
        var pending = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_invocations.TryAdd(invocationId, pending))
        {
            throw new InvalidOperationException($"invocation {invocationId} is already running");
        }

        var request = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.Id,
            TraceContext = new RpcTraceContext { TraceParent = traceParent, TraceState = string.Empty },
        };
        request.InputData.Add(new ParameterBinding { Name = function.TriggerBinding, Data = new TypedData { Http = new RpcHttp() } });
        foreach (var (name, value) in routeValues)
        {
            request.TriggerMetadata[name] = new TypedData { String = value };
        }

        Send(new StreamingMessage { InvocationRequest = request });
        return pending.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> responseStream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken))
            {
                await responseStream.WriteAsync(message, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The stream ended; the reader side reports it.
        }
    }

    private void Send(StreamingMessage message)
    {
        if (string.IsNullOrEmpty(message.RequestId))
        {
            message.RequestId = Guid.NewGuid().ToString();
        }

        if (!_outbound.Writer.TryWrite(message))
        {
            throw new InvalidOperationException("the worker's EventStream is closed");
        }
    }

    private void Receive(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.RpcLog:
                var log = message.RpcLog;
                _logs.Enqueue($"{log.Level} {log.Category}: {log.Message} {log.Exception?.Message}");
                break;
            case StreamingMessage.ContentOneofCase.StartStream:
                OnStartStream(message.StartStream);
                break;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                OnWorkerInit(message.WorkerInitResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                OnFunctionMetadata(message.FunctionMetadataResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                OnFunctionLoad(message.FunctionLoadResponse);
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                OnInvocation(message.InvocationResponse);
                break;
            default:
                Fail($"the worker sent a message this host does not expect: {message.ContentCase} {message}");
                break;
        }
    }

    private void OnStartStream(StartStream start)
    {
        // The host matches the stream to the process it started by the worker id it passed.
        if (start.WorkerId != workerId)
        {
            Fail($"StartStream names worker '{start.WorkerId}', not the '{workerId}' this host started");
            return;
        }

        var init = new WorkerInitRequest { HostVersion = HostVersion, WorkerDirectory = appDirectory, FunctionAppDirectory = appDirectory };
        Send(new StreamingMessage { WorkerInitRequest = init });
    }

    private void OnWorkerInit(WorkerInitResponse response)
    {
        if (!Succeeded(response.Result, "WorkerInitResponse"))
        {
            return;
        }

        Capabilities = new Dictionary<string, string>(response.Capabilities);
        // ASP.NET Core integration: without HttpUri the host would send each request inside the
        // InvocationRequest instead, and this app's functions would never see a Kestrel HttpContext.
        if (!response.Capabilities.TryGetValue("HttpUri", out var httpUri) || !Uri.TryCreate(httpUri, UriKind.Absolute, out var uri))
        {
            Fail("the worker did not report an HttpUri capability (ASP.NET Core integration)");
            return;
        }

        HttpUri = uri;
        Send(new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } });
    }

    private void OnFunctionMetadata(FunctionMetadataResponse response)
    {
        if (!Succeeded(response.Result, "FunctionMetadataResponse"))
        {
            return;
        }

        // Default indexing would make the host read function.json files, which an isolated app has not.
        if (response.UseDefaultMetadataIndexing || response.FunctionMetadataResults.Count == 0)
        {
            Fail("the worker indexed no functions itself");
            return;
        }

        var loads = new List<StreamingMessage>();
        foreach (var metadata in response.FunctionMetadataResults)
        {
            if (metadata.Status is not null && !Succeeded(metadata.Status, $"indexing of {metadata.Name}"))
            {
                return;
            }

            var load = new FunctionLoadRequest
            {
                FunctionId = metadata.FunctionId,
                Metadata = new RpcFunctionMetadata
                {
                    Name = metadata.Name,
                    Directory = metadata.Directory,
                    EntryPoint = metadata.EntryPoint,
                    ScriptFile = metadata.ScriptFile,
                },
            };
            string? trigger = null, route = null;
            List<string> methods = [];
            // The host reads each binding from the worker's raw JSON (as function.json would have it) and
            // sends it back typed in the load request.
            foreach (var raw in metadata.RawBindings)
            {
                var binding = JsonNode.Parse(raw)!.AsObject();
                var name = (string)binding["name"]!;
                var type = (string)binding["type"]!;
                var direction = ((string?)binding["direction"])?.ToUpperInvariant() switch
                {
                    "IN" => BindingInfo.Types.Direction.In,
                    "OUT" => BindingInfo.Types.Direction.Out,
                    "INOUT" => BindingInfo.Types.Direction.Inout,
                    var other => throw new InvalidOperationException($"binding {name} of {metadata.Name} has direction '{other}'"),
                };
                load.Metadata.Bindings[name] = new BindingInfo { Type = type, Direction = direction };
                if (type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase))
                {
                    trigger = name;
                    route = (string?)binding["route"] ?? metadata.Name;
                    methods = [.. (binding["methods"]?.AsArray() ?? []).Select(m => ((string)m!).ToUpperInvariant())];
                }
            }

            foreach (var (key, value) in metadata.Properties)
            {
                load.Metadata.Properties[key] = value;
            }

            if (trigger is null || route is null)
            {
                Fail($"{metadata.Name} has no httpTrigger binding; this host serves HTTP functions only");
                return;
            }

            lock (_pendingLoads)
            {
                _pendingLoads[metadata.FunctionId] = new HostedFunction(metadata.FunctionId, metadata.Name, trigger, route, methods);
            }

            loads.Add(new StreamingMessage { FunctionLoadRequest = load });
        }

        foreach (var load in loads)
        {
            Send(load);
        }
    }

    private void OnFunctionLoad(FunctionLoadResponse response)
    {
        if (!Succeeded(response.Result, $"FunctionLoadResponse for {response.FunctionId}"))
        {
            return;
        }

        lock (_pendingLoads)
        {
            if (!_pendingLoads.Remove(response.FunctionId, out var function))
            {
                Fail($"FunctionLoadResponse for function '{response.FunctionId}', which this host did not ask to load");
                return;
            }

            _functions.Add(function);
            if (_pendingLoads.Count == 0)
            {
                _loaded.TrySetResult([.. _functions]);
            }
        }
    }

    private void OnInvocation(InvocationResponse response)
    {
        if (!_invocations.TryRemove(response.InvocationId, out var pending))
        {
            Fail($"InvocationResponse for invocation '{response.InvocationId}', which this host did not send");
            return;
        }

        pending.TrySetResult(response);
    }

    private bool Succeeded(StatusResult? status, string what)
    {
        if (status?.Status == StatusResult.Types.Status.Success)
        {
            return true;
        }

        Fail($"{what} failed: {status?.Exception?.Message ?? "no status"}");
        return false;
    }

    private void Fail(string violation)
    {
        _violations.Enqueue(violation);
        Closed(violation);
    }

    /// <summary>Ends start-up and every invocation in flight with this reason.</summary>
    private void Closed(string violation)
    {
        var error = new InvalidOperationException($"Functions host protocol: {violation}\n{Logs}");
        _loaded.TrySetException(error);
        foreach (var id in _invocations.Keys)
        {
            if (_invocations.TryRemove(id, out var pending))
            {
                pending.TrySetException(error);
            }
        }
    }
}
