using ModelGen.Serving.Tests.Harness;
using ModelGen.Serving.Tests.Models;

namespace ModelGen.Serving.Tests;

/// <summary>An [OnnxModel] class is served like any generated model: registered by type, its compiled-in weights used when no file is given.</summary>
public sealed class OnnxModelServingTests
{
    [Fact]
    public async Task AnImportedPyTorchModelIsServedWithItsOwnWeights()
    {
        await using ServingHost host = await ServingHost.StartAsync(services => services.AddInferenceModel<TorchMlp, TorchMlp.Workspace>("torch-mlp"));
        float[] images = ModelFiles.RandomInputs(2, 784, seed: 12);
        var (status, body) = await host.InferAsync(Requests.Fp32(images, 2, 784), "torch-mlp");
        Assert.Equal(200, status);
        var expected = new float[20];
        new TorchMlp().PredictBatch(images, expected);
        Assert.Equal(expected, body.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Contains(host.Log.Lines, l => l.Message.StartsWith("Model torch-mlp serves the model as constructed: input=784", StringComparison.Ordinal));
    }
}
