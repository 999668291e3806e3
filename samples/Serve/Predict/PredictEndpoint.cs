using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Imaging;
using ModelGen.Serving;

namespace ModelGen.Samples.Serve.Predict;

/// <summary>The answer of POST /predict: the digit, its probabilities, and the model version that ran.</summary>
internal sealed record PredictResponse(string ModelName, string ModelVersion, int Digit, float[] Probabilities);

/// <summary>An error answer, as the protocol's endpoints give it.</summary>
internal sealed record PredictError(string Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PredictResponse))]
[JsonSerializable(typeof(PredictError))]
internal sealed partial class PredictJsonContext : JsonSerializerContext
{
    /// <summary>Apostrophes and quotes in messages as typed, as the protocol's answers write them.</summary>
    public static PredictJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

/// <summary>
/// <c>POST /predict</c> with a PNG or JPEG of one digit as the body: the same decoding and preprocessing as the MNIST
/// sample's predict (ink on black, cropped, scaled to 20 pixels, centred by mass in 28×28), then the served model.
/// A picture that is not an image, too large, or blank is a 400 (413 over the body limit) with its one-line reason.
/// </summary>
internal sealed class PredictEndpoint(ServedModel model, InferenceRunner runner, long maxBodyBytes)
{
    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            byte[] image = await ReadBodyAsync(context.Request).ConfigureAwait(false);
            float[] input = DigitPreprocessor.Preprocess(ImageDecoder.Decode(image, "the uploaded image"), "the uploaded image");
            var probabilities = new float[10];
            ModelVersion version = await runner.RunAsync(model, input, probabilities, context.RequestAborted).ConfigureAwait(false);
            var answer = new PredictResponse(model.Name, version.Label, Batch.ArgMax(probabilities), probabilities);
            await context.Response.WriteAsJsonAsync(answer, PredictJsonContext.Relaxed.PredictResponse, contentType: null, context.RequestAborted).ConfigureAwait(false);
        }
        catch (SampleException e)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            await ErrorAsync(context, e.StatusCode, e.StatusCode == 413 ? TooLarge() : "the request body could not be read: " + e.Message).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            await ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, e.Message).ConfigureAwait(false);
        }
    }

    private async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength > maxBodyBytes) throw new BadHttpRequestException(TooLarge(), StatusCodes.Status413PayloadTooLarge);
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (body.Length > maxBodyBytes) throw new BadHttpRequestException(TooLarge(), StatusCodes.Status413PayloadTooLarge);
        if (body.Length == 0) throw new SampleException("the body is empty; POST the PNG or JPEG file itself (curl --data-binary @digit.png)");
        return body.ToArray();
    }

    private string TooLarge() => $"the image is over this server's limit of {maxBodyBytes} bytes";

    private static Task ErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new PredictError(message), PredictJsonContext.Relaxed.PredictError, contentType: null, context.RequestAborted);
    }
}
