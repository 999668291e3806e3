using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests;

/// <summary>Issue 4, check 1: the generated forward pass and loss agree with TorchSharp's.</summary>
public class ForwardReferenceTests(ITestOutputHelper output)
{
    /// <summary>max|ours − torch| / max|torch| for the outputs, and the same for the loss.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>Every test model at batch sizes 1, 17 (odd) and 32.</summary>
    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (string name in TestModels.Names) foreach (int size in new[] { 1, 17, 32 }) cases.Add(name, size);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Outputs_and_loss_match_TorchSharp(string modelName, int batchSize)
    {
        TorchRuntime.Require();
        (Models.IGeneratedModel model, ModelLayout layout) = TestModels.Create(modelName, seed: 11);
        var random = new Xoshiro256StarStar(1000 + (ulong)batchSize);
        ReferenceBatch batch = ReferenceBatch.Random(layout, batchSize, ref random);

        float[] ours = model.Forward(batch).ToArray();
        float ourLoss = model.Loss(batch);

        using var scope = NewDisposeScope();
        using var twin = new TorchTwin(layout);
        twin.LoadParameters(model.Parameters);
        Tensor forward = twin.Forward(twin.Inputs(batch));
        float[] theirs = TorchTwin.Values(twin.Outputs(forward));
        float theirLoss = twin.Loss(forward, batch).item<float>();

        double outputError = Compare.RelativeToMax(ours, theirs);
        double lossError = Compare.Relative(ourLoss, theirLoss);
        output.WriteLine($"{layout}; batch {batchSize}");
        output.WriteLine($"  forward outputs: error {outputError:E2} (max|torch| {Compare.MaxAbs(theirs):G4})");
        output.WriteLine($"  forward loss:    error {lossError:E2} (ours {ourLoss:G9}, torch {theirLoss:G9})");
        Assert.True(outputError <= Tolerance, $"{modelName}, batch {batchSize}: outputs differ from TorchSharp's by {outputError:E2} relative to their max (tolerance {Tolerance:E0}).");
        Assert.True(lossError <= Tolerance, $"{modelName}, batch {batchSize}: loss {ourLoss:G9} vs TorchSharp {theirLoss:G9}, relative error {lossError:E2} (tolerance {Tolerance:E0}).");
    }
}
