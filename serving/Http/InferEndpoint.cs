using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelGen.Serving.Protocol;

namespace ModelGen.Serving.Http;

/// <summary>
/// <c>POST /v2/models/{name}[/versions/{version}]/infer</c>: finds the model, reads the body within its limits,
/// waits for an inference slot, runs the request on the model's current version and sends the answer with its
/// length. Every refusal is a <c>{"error"}</c> answer: 4xx for the client's mistakes, 503 when the server is too
/// busy; anything unexpected is logged and answered 500 without its details.
/// </summary>
internal sealed class InferEndpoint(ModelRepository repository, InferenceGate gate, ServingMetrics metrics,
    IOptions<InferenceServerOptions> options, ILogger<InferEndpoint> logger)
{
    private readonly InferenceServerOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        long started = Stopwatch.GetTimestamp();
        string name = context.Request.RouteValues["name"] as string ?? "";
        ServedModel? model = repository.Find(name);
        string metricName = model?.Name ?? "unknown";
        int status = StatusCodes.Status200OK;
        try
        {
            if (model is null) throw new ProtocolException(404, ModelLookup.Unknown(repository, name));
            ModelLookup.CheckVersion(context, model);
            status = await AnswerAsync(context, model).ConfigureAwait(false);
        }
        catch (ProtocolException e)
        {
            status = e.StatusCode;
            ServingLog.RequestRefused(logger, context.Request.Method, context.Request.Path, status, e.Message);
            if (!context.Response.HasStarted) await ErrorAnswer.WriteAsync(context, status, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            status = 499; // the client went away: nothing to answer
        }
        catch (Exception e)
        {
            status = StatusCodes.Status500InternalServerError;
            ServingLog.RequestFailed(logger, e, context.Request.Method, context.Request.Path);
            if (!context.Response.HasStarted) await ErrorAnswer.WriteAsync(context, status, "the server failed to answer this request; its log says why").ConfigureAwait(false);
        }
        metrics.RequestAnswered(metricName, status, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private async Task<int> AnswerAsync(HttpContext context, ServedModel model)
    {
        if (context.Request.Headers.ContainsKey("Inference-Header-Content-Length"))
            throw ProtocolException.BadRequest("binary tensor data is not supported: send the inputs' \"data\" as JSON (in Triton's client: binary_data=False)");
        RequestBodyReader.Body body = await RequestBodyReader.ReadAsync(context, _options.MaxRequestBodyBytes, _options.RequestBodyTimeout).ConfigureAwait(false);
        using var answer = new PooledBufferWriter();
        try
        {
            if (!await gate.EnterAsync(context.RequestAborted).ConfigureAwait(false))
                throw new ProtocolException(503, $"the server is busy: no inference slot came free within {_options.QueueTimeout.TotalSeconds:0.###} s; try again");
            try
            {
                ModelVersion version = model.Current ?? throw new ProtocolException(503, $"model '{model.Name}' is not loaded yet");
                int samples = InferenceCall.Execute(body.Span, version, answer);
                metrics.BatchRan(model.Name, samples);
            }
            finally
            {
                gate.Exit();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body.Array);
        }
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = answer.WrittenCount;
        await response.Body.WriteAsync(answer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        return StatusCodes.Status200OK;
    }
}
