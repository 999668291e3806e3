namespace ModelGen;

/// <summary>
/// Marks a <c>partial class</c> as a network imported from an ONNX file: the ModelGen source generator reads
/// the file at compile time and emits the same members as for a declared [Model] (forward, backward, loss,
/// training step, save and load, ONNX export), with the file's trained weights compiled into the program,
/// so the parameterless constructor gives the trained model and nothing is read at run time. The file must
/// be one of the project's AdditionalFiles, e.g. <c>&lt;AdditionalFiles Include="models/digits.onnx" /&gt;</c>.
/// Supported: opsets 11–21 as torch.onnx.export and tf2onnx write them; Gemm, MatMul + Add, Conv, MaxPool,
/// Relu, LeakyRelu, Sigmoid, Tanh, Softmax (last), Flatten, Reshape to [N, -1], Dropout, Identity. The class
/// takes its input in the layout the file declares (e.g. NCHW for PyTorch).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class OnnxModelAttribute : Attribute
{
    /// <summary>Imports the ONNX file at <paramref name="path"/>, as the project's AdditionalFiles item names it.</summary>
    /// <param name="path">The file's path relative to the project (or an ending of its full path).</param>
    public OnnxModelAttribute(string path) => Path = path;

    /// <summary>The ONNX file's path, as given.</summary>
    public string Path { get; }
}
