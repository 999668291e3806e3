using System.Text.Json;
using ModelGen.OnnxImport.Tests.Harness;
using ModelGen.OnnxImport.Tests.Models;

namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// The [OnnxModel] classes of PyTorch's graph fixtures that this project's own build generated (Models/ImportedModels.cs,
/// through runtime/build/ModelGen.targets): each gives PyTorch's outputs from the manifest within 1e-5, and the ResNet
/// block's parameterless constructor loads the running statistics of its BatchNormalization layers.
/// </summary>
public sealed class BuiltGraphImportTests
{
    private static float[] PredictBatch<TWorkspace>(IModel<TWorkspace> model, float[] inputs) where TWorkspace : IWorkspace
    {
        var outputs = new float[inputs.Length / model.InputSize * model.OutputSize];
        var workspace = model.CreateWorkspace(inputs.Length / model.InputSize);
        model.Forward(workspace, inputs);
        workspace.Outputs.CopyTo(outputs);
        return outputs;
    }

    private static float[] Predict(string name, float[] inputs) => name switch
    {
        "resnet_block_preserve" => PredictBatch(new TorchResNetBlock(), inputs),
        "resnet_block_eval" => PredictBatch(new TorchResNetBlockEval(), inputs),
        "mobilenet_v2_block" => PredictBatch(new TorchMobileNetV2Block(), inputs),
        "concat_branches" => PredictBatch(new TorchConcatBranches(), inputs),
        "avgpool_k2" => PredictBatch(new TorchAvgPool2(), inputs),
        "avgpool_k3_pad1_include" => PredictBatch(new TorchAvgPool3Include(), inputs),
        "avgpool_k3_pad1_exclude" => PredictBatch(new TorchAvgPool3Exclude(), inputs),
        "pad_avgpool" => PredictBatch(new TorchPadAvgPool(), inputs),
        "relu6_clip" => PredictBatch(new TorchRelu6(), inputs),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no [OnnxModel] class for this fixture"),
    };

    [Theory]
    [MemberData(nameof(GraphImportTests.Names), MemberType = typeof(GraphImportTests))]
    public void EachClassGivesPyTorchsOutputs(string name)
    {
        JsonElement model = Fixtures.Manifest("graph/manifest.json").GetProperty("models").GetProperty(name);
        (float[] inputs, float[] expected, _) = GraphImportTests.Samples(model);
        Close.Equal(expected, Predict(name, inputs), relative: 1e-5f, absolute: 1e-5f);
    }

    [Fact]
    public void TheConstructorLoadsTheRunningStatistics()
    {
        var model = new TorchResNetBlock();
        Assert.Equal(TorchResNetBlock.ImportedState.ToArray(), model.State);
        Assert.Equal(new long[6], model.Counters);
        // bn's running mean, as the file holds it (not the initial 0).
        Assert.NotEqual(0f, model.bnRunningMean[0]);
        Assert.Equal(2 * (6 + 6 + 6 + 8 + 8 + 8), TorchResNetBlock.StateCount);
    }
}
