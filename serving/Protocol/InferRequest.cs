using System.Runtime.CompilerServices;

namespace ModelGen.Serving.Protocol;

/// <summary>
/// An inference request as read from its body, before it is checked against a model: where its strings and its
/// input's data lie in the body, and the input's shape. Only the first input is kept (the models take one);
/// <see cref="InputCount"/> says how many there were. A struct of offsets: reading a request allocates nothing.
/// </summary>
internal struct InferRequest
{
    public const int MaxRank = 8;
    public const int MaxOutputs = 4;

    /// <summary>The request's "id", echoed in the answer.</summary>
    public JsonString Id;

    /// <summary>How many tensors "inputs" held (0 if absent).</summary>
    public int InputCount;

    public JsonString InputName;
    public JsonString Datatype;

    /// <summary>The input's "shape": <see cref="Rank"/> values, or Rank -1 when absent.</summary>
    public Dims Shape;
    public int Rank;

    /// <summary>The input's "data" value in the body (its whole array), DataLength 0 when absent.</summary>
    public int DataStart;
    public int DataLength;

    /// <summary>The names in "outputs", or OutputCount -1 when absent (then every output is answered).</summary>
    public OutputNames Outputs;
    public int OutputCount;

    /// <summary>A request with nothing in it yet.</summary>
    public static InferRequest Empty() => new() { Rank = -1, OutputCount = -1 };

    [InlineArray(MaxRank)]
    public struct Dims
    {
        private long _first;
    }

    [InlineArray(MaxOutputs)]
    public struct OutputNames
    {
        private JsonString _first;
    }
}
