using ModelGen.Export;
using ModelGen.OnnxImport.Tests.Harness;
using ModelGen.OnnxImport.Tests.Models;
using ModelGen.Tests.OnnxFiles;

namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// A declared model exported with ModelGen's own exporter and imported with [OnnxModel] is the same model:
/// the same parameters bit for bit (the importer undoes every layout change the exporter made), the same
/// outputs, and, without dropout (which ONNX export leaves out), the same spec, so each loads the other's
/// saved files.
/// </summary>
public sealed class RoundTripTests
{
    private static void AssertRoundTrip(byte[] onnx, float[] parameters, Func<float[], float[]> predict, int inputSize, string? spec)
    {
        ImportedModel imported = ImportCompiler.Compile(onnx);
        Assert.Equal(inputSize, imported.InputSize);
        Assert.Equal(parameters, imported.Parameters());
        float[] inputs = TestNetworks.Random(7 * inputSize, 99, 1f);
        float[] expected = predict(inputs);
        Assert.Equal(expected, imported.PredictBatch(inputs));
        Assert.Equal(expected, imported.PredictEach(inputs));
        Assert.Equal(expected, imported.Forward(inputs));
        if (spec is not null) Assert.Equal(spec, imported.Spec);
    }

    private static float[] Predict(Action<float[], float[]> predictBatch, float[] inputs, int inputSize, int outputSize)
    {
        var outputs = new float[inputs.Length / inputSize * outputSize];
        predictBatch(inputs, outputs);
        return outputs;
    }

    [Fact]
    public void Classifier()
    {
        var model = new SmallClassifier(5);
        byte[] onnx = OnnxExporter.ToBytes("SmallClassifier", SmallClassifier.InputShape, SmallClassifier.Layers, model.Parameters);
        AssertRoundTrip(onnx, model.Parameters, x => Predict((i, o) => model.PredictBatch(i, o), x, SmallClassifier.InputSize, SmallClassifier.OutputSize),
            SmallClassifier.InputSize, SmallClassifier.Spec);
    }

    [Fact]
    public void RegressorWithEveryActivation()
    {
        var model = new EveryActivationRegressor(6);
        byte[] onnx = OnnxExporter.ToBytes("R", EveryActivationRegressor.InputShape, EveryActivationRegressor.Layers, model.Parameters);
        AssertRoundTrip(onnx, model.Parameters, x => Predict((i, o) => model.PredictBatch(i, o), x, EveryActivationRegressor.InputSize, EveryActivationRegressor.OutputSize),
            EveryActivationRegressor.InputSize, EveryActivationRegressor.Spec);
    }

    [Fact]
    public void ConvNetWithChannelsLastInput()
    {
        var model = new ConvClassifier(7);
        byte[] onnx = OnnxExporter.ToBytes("C", ConvClassifier.InputShape, ConvClassifier.Layers, model.Parameters);
        // The export leaves the dropout out, so the spec differs by that layer.
        AssertRoundTrip(onnx, model.Parameters, x => Predict((i, o) => model.PredictBatch(i, o), x, ConvClassifier.InputSize, ConvClassifier.OutputSize),
            ConvClassifier.InputSize, null);
    }

    [Fact]
    public void ConvNetWithAnImageOutput()
    {
        var model = new ConvImageRegressor(8);
        byte[] onnx = OnnxExporter.ToBytes("I", ConvImageRegressor.InputShape, ConvImageRegressor.Layers, model.Parameters);
        AssertRoundTrip(onnx, model.Parameters, x => Predict((i, o) => model.PredictBatch(i, o), x, ConvImageRegressor.InputSize, ConvImageRegressor.OutputSize),
            ConvImageRegressor.InputSize, ConvImageRegressor.Spec);
    }

    [Fact]
    public void SavedFilesLoadAcross()
    {
        var model = new SmallClassifier(11);
        byte[] onnx = OnnxExporter.ToBytes("SmallClassifier", SmallClassifier.InputShape, SmallClassifier.Layers, model.Parameters);
        ImportedModel imported = ImportCompiler.Compile(onnx);
        string path = Path.Combine(Path.GetTempPath(), "modelgen-import-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            imported.Save(path);
            var loaded = new SmallClassifier(0);
            loaded.Load(path);
            Assert.Equal(model.Parameters, loaded.Parameters);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
