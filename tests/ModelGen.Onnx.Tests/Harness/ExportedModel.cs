using ModelGen.Onnx.Tests.Models;

namespace ModelGen.Onnx.Tests.Harness;

/// <summary>
/// A generated model seen through what the export tests need. Generated classes share no interface
/// (each has its own constants and Workspace type), so each is wrapped here by a small factory.
/// </summary>
public sealed class ExportedModel
{
    /// <summary>The models of Models/ExportModels.cs by class name, each created with parameters from <paramref name="seed"/>.</summary>
    public static ExportedModel Create(string name, ulong seed) => name switch
    {
        nameof(MnistMlp) => From(new MnistMlp(seed)),
        nameof(EveryActivationClassifier) => From(new EveryActivationClassifier(seed)),
        nameof(LinearOutputRegressor) => From(new LinearOutputRegressor(seed)),
        nameof(SigmoidOutputRegressor) => From(new SigmoidOutputRegressor(seed)),
        nameof(TanhOutputRegressor) => From(new TanhOutputRegressor(seed)),
        nameof(LeakyOutputRegressor) => From(new LeakyOutputRegressor(seed)),
        nameof(SingleLayerRelu) => From(new SingleLayerRelu(seed)),
        _ => throw new ArgumentException($"No model named {name} in Models/ExportModels.cs.", nameof(name)),
    };

    /// <summary>Every model's class name.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        nameof(MnistMlp), nameof(EveryActivationClassifier), nameof(LinearOutputRegressor), nameof(SigmoidOutputRegressor),
        nameof(TanhOutputRegressor), nameof(LeakyOutputRegressor), nameof(SingleLayerRelu),
    ];

    public required string Name { get; init; }
    public required int InputSize { get; init; }
    public required int OutputSize { get; init; }
    public required IReadOnlyList<LayerInfo> Layers { get; init; }
    public required float[] Parameters { get; init; }
    public required PredictBatchMethod PredictBatch { get; init; }
    public required Action<string> ExportOnnx { get; init; }

    public delegate void PredictBatchMethod(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>Runs PredictBatch on <paramref name="inputs"/> [n, InputSize] and returns the outputs [n, OutputSize].</summary>
    public float[] Predict(float[] inputs)
    {
        var outputs = new float[inputs.Length / InputSize * OutputSize];
        PredictBatch(inputs, outputs);
        return outputs;
    }

    /// <summary>
    /// Replaces every parameter with random values: weights from U(-a, a) with a = sqrt(3 / inputs)
    /// (variance 1 / inputs, so activations stay near unit scale as in a trained network, whatever the
    /// width) and biases from U(-0.5, 0.5). Glorot initialisation leaves the biases zero, which would hide
    /// a bias that the export dropped or misplaced.
    /// </summary>
    public void Randomize(ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        foreach (DenseLayerInfo layer in Layers)
        {
            float limit = MathF.Sqrt(3f / layer.InputSize);
            Span<float> weights = Parameters.AsSpan(layer.WeightsOffset, layer.InputSize * layer.Units);
            for (int i = 0; i < weights.Length; i++) weights[i] = (2f * random.NextSingle() - 1f) * limit;
            Span<float> biases = Parameters.AsSpan(layer.BiasesOffset, layer.Units);
            for (int i = 0; i < biases.Length; i++) biases[i] = random.NextSingle() - 0.5f;
        }
    }

    private static ExportedModel From(MnistMlp m) => new()
    {
        Name = nameof(MnistMlp), InputSize = MnistMlp.InputSize, OutputSize = MnistMlp.OutputSize, Layers = MnistMlp.Layers,
        Parameters = m.Parameters, PredictBatch = m.PredictBatch, ExportOnnx = m.ExportOnnx,
    };

    private static ExportedModel From(EveryActivationClassifier m) => new()
    {
        Name = nameof(EveryActivationClassifier), InputSize = EveryActivationClassifier.InputSize, OutputSize = EveryActivationClassifier.OutputSize,
        Layers = EveryActivationClassifier.Layers, Parameters = m.Parameters, PredictBatch = m.PredictBatch, ExportOnnx = m.ExportOnnx,
    };

    private static ExportedModel From(LinearOutputRegressor m) => new()
    {
        Name = nameof(LinearOutputRegressor), InputSize = LinearOutputRegressor.InputSize, OutputSize = LinearOutputRegressor.OutputSize,
        Layers = LinearOutputRegressor.Layers, Parameters = m.Parameters, PredictBatch = m.PredictBatch, ExportOnnx = m.ExportOnnx,
    };

    private static ExportedModel From(SigmoidOutputRegressor m) => new()
    {
        Name = nameof(SigmoidOutputRegressor), InputSize = SigmoidOutputRegressor.InputSize, OutputSize = SigmoidOutputRegressor.OutputSize,
        Layers = SigmoidOutputRegressor.Layers, Parameters = m.Parameters, PredictBatch = m.PredictBatch, ExportOnnx = m.ExportOnnx,
    };

    private static ExportedModel From(TanhOutputRegressor m) => new()
    {
        Name = nameof(TanhOutputRegressor), InputSize = TanhOutputRegressor.InputSize, OutputSize = TanhOutputRegressor.OutputSize,
        Layers = TanhOutputRegressor.Layers, Parameters = m.Parameters, PredictBatch = m.PredictBatch, ExportOnnx = m.ExportOnnx,
    };

    private static ExportedModel From(LeakyOutputRegressor m) => new()
    {
        Name = nameof(LeakyOutputRegressor), InputSize = LeakyOutputRegressor.InputSize, OutputSize = LeakyOutputRegressor.OutputSize,
        Layers = LeakyOutputRegressor.Layers, Parameters = m.Parameters, PredictBatch = m.PredictBatch, ExportOnnx = m.ExportOnnx,
    };

    private static ExportedModel From(SingleLayerRelu m) => new()
    {
        Name = nameof(SingleLayerRelu), InputSize = SingleLayerRelu.InputSize, OutputSize = SingleLayerRelu.OutputSize,
        Layers = SingleLayerRelu.Layers, Parameters = m.Parameters, PredictBatch = m.PredictBatch, ExportOnnx = m.ExportOnnx,
    };
}
