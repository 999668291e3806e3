using System.Globalization;

namespace ModelGen.Serving.Protocol;

/// <summary>Checks a read request against a model version's signature; every mismatch is a 400 that says what the model takes.</summary>
internal static class InferRequestValidator
{
    public static InferInput Validate(ReadOnlySpan<byte> body, in InferRequest request, ModelSignature model)
    {
        if (request.InputCount == 0) throw Bad($"the request has no \"inputs\"; {Takes(model)}");
        if (request.InputCount > 1) throw Bad($"the request has {request.InputCount} inputs; {Takes(model)}");
        if (!request.InputName.IsPresent) throw Bad($"the input has no \"name\"; {Takes(model)}");
        if (!request.InputName.Equals(body, model.InputNameUtf8))
            throw Bad($"there is no input '{request.InputName.ToString(body)}'; {Takes(model)}");
        TensorDatatype datatype = Datatype(body, request.Datatype);
        if (request.Rank < 0) throw Bad($"input '{model.InputName}' has no \"shape\"; give [batch, {Dims(model.SampleDims)}]");
        if (request.DataLength == 0) throw Bad($"input '{model.InputName}' has no \"data\"");
        int batch = CheckShape(request, model);
        return new InferInput(batch, datatype, Outputs(body, request, model));
    }

    private static string Takes(ModelSignature model) => $"model '{model.ModelName}' takes one input, '{model.InputName}'";

    private static TensorDatatype Datatype(ReadOnlySpan<byte> body, JsonString datatype)
    {
        if (!datatype.IsPresent) throw Bad("the input has no \"datatype\"; send \"FP32\" or \"UINT8\"");
        if (datatype.Equals(body, "FP32"u8)) return TensorDatatype.Fp32;
        if (datatype.Equals(body, "UINT8"u8)) return TensorDatatype.Uint8;
        throw Bad($"datatype '{datatype.ToString(body)}' is not accepted; send \"FP32\" (or \"UINT8\" pixels 0..255)");
    }

    // The shape must be [batch, ...one sample], the sample as the metadata gives it, flat, or [h, w] for one channel.
    // The messages are made only for a refusal: a valid request allocates nothing here.
    private static int CheckShape(in InferRequest request, ModelSignature model)
    {
        ReadOnlySpan<long> shape = request.Shape[..request.Rank];
        if (shape.Length < 2) throw DoesNotFit(shape, model);
        foreach (long dim in shape)
        {
            if (dim <= 0) throw Bad($"shape [{Dims(shape)}] has a dimension of {dim}; every dimension, the batch too, must be at least 1");
        }
        long batch = shape[0];
        if (batch > model.MaxBatchSize)
            throw Bad($"a batch of {batch} samples is over model '{model.ModelName}''s limit of {model.MaxBatchSize}; send it in several requests");
        ReadOnlySpan<long> sample = shape[1..];
        TensorShape s = model.SampleShape;
        bool fits = sample.SequenceEqual(model.SampleDims)
            || (sample.Length == 1 && sample[0] == model.InputSize)
            || (s.IsImage && s.Channels == 1 && sample.Length == 2 && sample[0] == s.Height && sample[1] == s.Width);
        if (!fits) throw DoesNotFit(shape, model);
        return (int)batch;
    }

    private static ProtocolException DoesNotFit(ReadOnlySpan<long> shape, ModelSignature model) =>
        Bad($"shape [{Dims(shape)}] does not fit model '{model.ModelName}': give [batch, {Dims(model.SampleDims)}]"
            + (model.SampleShape.IsImage ? $" or [batch, {model.InputSize}]" : ""));

    private static OutputSelection Outputs(ReadOnlySpan<byte> body, in InferRequest request, ModelSignature model)
    {
        if (request.OutputCount < 0) return OutputSelection.All(model.IsClassifier);
        if (request.OutputCount == 0) throw Bad($"\"outputs\" is empty; name some of model '{model.ModelName}''s outputs ({OutputNames(model)}) or leave it out for all");
        Span<OutputKind> kinds = stackalloc OutputKind[2];
        int count = 0;
        for (int i = 0; i < request.OutputCount; i++)
        {
            JsonString name = request.Outputs[i];
            OutputKind kind = name.Equals(body, model.OutputNameUtf8) ? OutputKind.Values
                : model.IsClassifier && name.Equals(body, model.ClassOutputNameUtf8) ? OutputKind.Class
                : throw Bad($"there is no output '{name.ToString(body)}'; model '{model.ModelName}' gives {OutputNames(model)}");
            if (kinds[..count].Contains(kind)) throw Bad($"output '{name.ToString(body)}' is asked for twice");
            kinds[count++] = kind;
        }
        return new OutputSelection(kinds[0], count > 1 ? kinds[1] : OutputKind.None);
    }

    private static string OutputNames(ModelSignature model) =>
        model.IsClassifier ? $"'{model.OutputName}' and '{model.ClassOutputName}'" : $"'{model.OutputName}'";

    private static string Dims(ReadOnlySpan<long> dims)
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < dims.Length; i++) text.Append(i == 0 ? "" : ", ").Append(dims[i].ToString(CultureInfo.InvariantCulture));
        return text.ToString();
    }

    private static ProtocolException Bad(string message) => ProtocolException.BadRequest(message);
}
