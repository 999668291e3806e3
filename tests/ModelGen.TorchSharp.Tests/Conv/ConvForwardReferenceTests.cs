using ModelGen.ReferenceTests.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.Conv;

/// <summary>
/// The generated forward pass and loss of the convolutional models agree with their TorchSharp twins,
/// in inference mode (dropout passes values through) and in training mode (the twin multiplies by the
/// masks the generated Forward drew).
/// </summary>
public class ConvForwardReferenceTests(ITestOutputHelper output)
{
    /// <summary>Every conv model at batch sizes 1, 17 and 32, in both modes.</summary>
    public static TheoryData<string, int, bool> Cases()
    {
        var cases = new TheoryData<string, int, bool>();
        foreach (string name in TestModels.ConvNames)
            foreach (int size in new[] { 1, 17, 32 })
                foreach (bool training in new[] { false, true }) cases.Add(name, size, training);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv_outputs_and_loss_match_TorchSharp(string modelName, int batchSize, bool training)
    {
        TorchRuntime.Require();
        (IGeneratedModel generated, ModelLayout layout) = TestModels.Create(modelName, seed: 11);
        var model = (IConvModel)generated;
        var random = new Xoshiro256StarStar(1000 + (ulong)batchSize);
        ReferenceBatch batch = ReferenceBatch.Random(layout, batchSize, ref random);

        float[] ours = (training ? model.ForwardTraining(batch) : model.Forward(batch)).ToArray();
        float ourLoss = model.Loss(batch);
        IReadOnlyDictionary<string, float[]>? masks = model.DropoutMasks();
        Assert.Equal(training, masks is not null);

        using var scope = NewDisposeScope();
        using var twin = new TorchTwin(layout);
        twin.LoadParameters(model.Parameters);
        Tensor forward = twin.Forward(twin.Inputs(batch), masks);
        float[] theirs = TorchTwin.Values(twin.Outputs(forward));
        float theirLoss = twin.Loss(forward, batch).item<float>();

        double outputError = Compare.RelativeToMax(ours, theirs);
        double lossError = Compare.Relative(ourLoss, theirLoss);
        output.WriteLine($"{layout}; batch {batchSize}, {(training ? "training" : "inference")}");
        output.WriteLine($"  forward outputs: error {outputError:E2} (max|torch| {Compare.MaxAbs(theirs):G4})");
        output.WriteLine($"  forward loss:    error {lossError:E2} (ours {ourLoss:G9}, torch {theirLoss:G9})");
        Assert.True(outputError <= ForwardReferenceTests.Tolerance, $"{modelName}, batch {batchSize}: outputs differ from TorchSharp's by {outputError:E2} relative to their max.");
        Assert.True(lossError <= ForwardReferenceTests.Tolerance, $"{modelName}, batch {batchSize}: loss {ourLoss:G9} vs TorchSharp {theirLoss:G9}, relative error {lossError:E2}.");
    }
}
