namespace ModelGen.ReferenceTests.Models;

/// <summary>
/// What the convolutional twin tests need beyond <see cref="IGeneratedModel"/>: a training-mode Forward,
/// the dropout masks it drew (so the twin can apply the very same ones), and the generated Save/Load.
/// </summary>
public interface IConvModel : IGeneratedModel
{
    /// <summary>Runs the generated Forward in training mode (dropout drops) and returns the outputs.</summary>
    ReadOnlySpan<float> ForwardTraining(ReferenceBatch batch);

    /// <summary>
    /// Each dropout layer's mask from the last Forward, by layer name, in ModelGen's order (0 or
    /// 1 / (1 − rate)); null when that Forward ran in inference mode.
    /// </summary>
    IReadOnlyDictionary<string, float[]>? DropoutMasks();

    /// <summary>The generated Save: safetensors in PyTorch's state_dict names and layouts.</summary>
    void Save(string path);

    /// <summary>The generated model itself.</summary>
    IModel Model { get; }

    /// <summary>The generated Load.</summary>
    void Load(string path);
}
