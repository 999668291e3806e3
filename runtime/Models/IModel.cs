namespace ModelGen;

/// <summary>
/// What every generated model offers, whatever its layers and loss: code written against it (a training
/// loop, a benchmark, a test) works for any model. Generated models implement it; their own members are
/// the same operations with the sizes baked in.
/// </summary>
public interface IModel
{
    /// <summary>Values per input sample.</summary>
    int InputSize { get; }

    /// <summary>Values per output sample.</summary>
    int OutputSize { get; }

    /// <summary>The one-line description of the network saved with its parameters.</summary>
    string Spec { get; }

    /// <summary>The layers in order, as data.</summary>
    IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>Every parameter, flat, layer by layer.</summary>
    float[] Parameters { get; }

    /// <summary>dLoss/dParameter of the last Backward; same layout as <see cref="Parameters"/>.</summary>
    float[] Gradients { get; }

    /// <summary>
    /// Saved values that are not trained (BatchNormalization's running statistics), flat, layer by layer; empty for a
    /// model without any. Training Forwards update them; a checkpoint saves them with the parameters, and early stopping
    /// restores them with the best epoch's parameters.
    /// </summary>
    float[] State => [];

    /// <summary>Saved int64 counters (the batches each BatchNormalization layer has seen); empty for a model without any.</summary>
    long[] Counters => [];

    /// <summary>
    /// The generator a training Forward draws from (dropout's masks), or null for a model that draws nothing. A
    /// checkpoint saves it and sets it back, so that a resumed run drops the same units as one that never stopped.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set to a generator on a model that draws nothing.</exception>
    Xoshiro256StarStar? TrainingRandom
    {
        get => null;
        set
        {
            if (value is not null) throw new InvalidOperationException($"{GetType().Name} draws no random numbers in training: it has no generator to set.");
        }
    }

    /// <summary>Re-initialises every parameter (and the dropout generator) from <paramref name="seed"/>.</summary>
    void InitializeParameters(ulong seed);

    /// <summary>Runs one sample in inference mode and writes its outputs.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Runs any number of samples in inference mode and writes their outputs.</summary>
    void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>Writes the parameters to a safetensors file.</summary>
    void Save(string path);

    /// <summary>Reads the parameters from a safetensors file saved for the same network.</summary>
    void Load(string path);

    /// <summary>Writes the network and its parameters as an ONNX graph.</summary>
    void ExportOnnx(string path);
}

/// <summary>A generated model with its workspace type: forward passes on batches.</summary>
/// <typeparam name="TWorkspace">The model's own <c>Workspace</c> class.</typeparam>
public interface IModel<TWorkspace> : IModel where TWorkspace : IWorkspace
{
    /// <summary>A workspace for batches of up to <paramref name="capacity"/> samples.</summary>
    TWorkspace CreateWorkspace(int capacity);

    /// <summary>
    /// Runs the network on a batch, [batchSize, InputSize], keeping the activations for Backward. In
    /// training mode, dropout layers drop; in inference mode (the default) they pass values through.
    /// </summary>
    void Forward(TWorkspace workspace, ReadOnlySpan<float> inputs, bool training = false);

    /// <summary>
    /// Runs a batch for its outputs only, in inference mode: workspace.Outputs then holds what
    /// <see cref="Forward"/> would give (the same bits), but the activations only Backward reads may not be kept
    /// (a model whose convolutions fuse the BatchNormalization after them skips them). <see cref="BatchPredictor{TWorkspace}"/>
    /// calls this. By default, Forward.
    /// </summary>
    void Infer(TWorkspace workspace, ReadOnlySpan<float> inputs) => Forward(workspace, inputs);

    /// <summary>
    /// <see cref="Infer(TWorkspace, ReadOnlySpan{float})"/> in a run of batches. With <paramref name="sameParameters"/> the caller
    /// promises that the parameters have not changed since this workspace's last Infer, so what the model prepared from them there
    /// (the Winograd weights of its 3×3 convolutions) is used again instead of made again; the outputs are the same bits either way.
    /// <see cref="BatchPredictor{TWorkspace}"/> passes it for every block of a chunk after the first. By default, Infer.
    /// </summary>
    void Infer(TWorkspace workspace, ReadOnlySpan<float> inputs, bool sameParameters) => Infer(workspace, inputs);
}

/// <summary>A generated classifier: a Softmax output trained with sparse categorical cross-entropy on class labels.</summary>
public interface IClassifier : IModel
{
    /// <summary>The most probable class of one sample.</summary>
    int PredictClass(ReadOnlySpan<float> input);

    /// <summary>The most probable class of each of any number of samples.</summary>
    void PredictClasses(ReadOnlySpan<float> inputs, Span<int> classes);
}

/// <summary>A generated classifier with its workspace type: training on labelled batches.</summary>
public interface IClassifier<TWorkspace> : IClassifier, IModel<TWorkspace> where TWorkspace : IWorkspace
{
    /// <summary>The mean loss of the last Forward's batch.</summary>
    float ComputeLoss(TWorkspace workspace, ReadOnlySpan<int> labels);

    /// <summary>Fills Gradients for the last Forward's batch.</summary>
    void Backward(TWorkspace workspace, ReadOnlySpan<int> labels);

    /// <summary>Forward in training mode, loss, Backward and one optimizer step; returns the loss before the step.</summary>
    float TrainStep(TWorkspace workspace, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Optimizer optimizer);

    /// <summary>How many samples of the last Forward's batch were classified correctly.</summary>
    int CountCorrect(TWorkspace workspace, ReadOnlySpan<int> labels);
}

/// <summary>A generated regressor: trained with mean squared error on target values.</summary>
public interface IRegressor<TWorkspace> : IModel<TWorkspace> where TWorkspace : IWorkspace
{
    /// <summary>The mean loss of the last Forward's batch.</summary>
    float ComputeLoss(TWorkspace workspace, ReadOnlySpan<float> targets);

    /// <summary>Fills Gradients for the last Forward's batch.</summary>
    void Backward(TWorkspace workspace, ReadOnlySpan<float> targets);

    /// <summary>Forward in training mode, loss, Backward and one optimizer step; returns the loss before the step.</summary>
    float TrainStep(TWorkspace workspace, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Optimizer optimizer);
}
