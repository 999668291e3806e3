using ModelGen.ReferenceTests.Models;

namespace ModelGen.ReferenceTests;

/// <summary>The test models by name (xunit theories take names), each created with known parameters.</summary>
public static class TestModels
{
    private static readonly Dictionary<string, Func<ulong, IConvModel>> s_factories = new()
    {
        [nameof(MnistMlp)] = seed => GeneratedModelAdapter.For(new MnistMlp(seed)),
        [nameof(DeepClassifier)] = seed => GeneratedModelAdapter.For(new DeepClassifier(seed)),
        [nameof(Regressor)] = seed => GeneratedModelAdapter.For(new Regressor(seed)),
        [nameof(WideSigmoidRegressor)] = seed => GeneratedModelAdapter.For(new WideSigmoidRegressor(seed)),
        [nameof(LinearRegression)] = seed => GeneratedModelAdapter.For(new LinearRegression(seed)),
    };

    private static readonly Dictionary<string, Func<ulong, IConvModel>> s_convFactories = new()
    {
        [nameof(MnistConvNet)] = seed => GeneratedModelAdapter.For(new MnistConvNet(seed)),
        [nameof(OddConvClassifier)] = seed => GeneratedModelAdapter.For(new OddConvClassifier(seed)),
        [nameof(ConvRegressor)] = seed => GeneratedModelAdapter.For(new ConvRegressor(seed)),
        [nameof(StridedConvClassifier)] = seed => GeneratedModelAdapter.For(new StridedConvClassifier(seed)),
    };

    /// <summary>Every dense-only test model's name.</summary>
    public static IReadOnlyCollection<string> Names => s_factories.Keys;

    /// <summary>Every convolutional test model's name.</summary>
    public static IReadOnlyCollection<string> ConvNames => s_convFactories.Keys;

    /// <summary>
    /// Creates the model with Glorot-uniform weights from <paramref name="seed"/> (the generated
    /// initialiser) and biases uniform in [-0.2, 0.2) rather than Keras' zeros, so the bias terms are
    /// exercised too. Also returns its layout, checked against the generated buffer size.
    /// </summary>
    public static (IGeneratedModel Model, ModelLayout Layout) Create(string name, ulong seed)
    {
        IGeneratedModel model = s_factories.TryGetValue(name, out var dense) ? dense(seed) : s_convFactories[name](seed);
        ModelLayout layout = ModelLayout.Of(((IConvModel)model).Model.GetType());
        Assert.Equal(layout.ParameterCount, model.Parameters.Length);
        var random = new Xoshiro256StarStar(seed ^ 0xB1A5);
        foreach (TrainableLayer layer in layout.TrainableLayers)
        {
            Span<float> biases = model.Parameters.AsSpan(layer.BiasesOffset, layer.BiasesLength);
            for (int i = 0; i < biases.Length; i++) biases[i] = 0.4f * random.NextSingle() - 0.2f;
        }
        return (model, layout);
    }
}
