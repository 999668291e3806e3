namespace ModelGen.Serving.Protocol;

/// <summary>A request that fits its model: the samples' count and datatype, and which outputs to answer in which order.</summary>
internal readonly record struct InferInput(int BatchSize, TensorDatatype Datatype, OutputSelection Outputs);

/// <summary>The outputs to answer, in order: each slot is one of the model's outputs.</summary>
internal readonly record struct OutputSelection(OutputKind First, OutputKind Second)
{
    /// <summary>Every output the model has, as answered when the request names none.</summary>
    public static OutputSelection All(bool isClassifier) => new(OutputKind.Values, isClassifier ? OutputKind.Class : OutputKind.None);
}

/// <summary>One of a served model's outputs.</summary>
internal enum OutputKind
{
    None,

    /// <summary>The model's outputs, FP32 [batch, OutputSize].</summary>
    Values,

    /// <summary>A classifier's most probable class, INT64 [batch].</summary>
    Class,
}
