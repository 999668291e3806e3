using ModelGen.ReferenceTests.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.Conv;

/// <summary>
/// Every conv, dense and bias gradient of the generated backward pass agrees with autograd's, after a
/// training-mode Forward whose dropout masks the twin reuses (so dropout's backward is checked too).
/// </summary>
public class ConvBackwardReferenceTests(ITestOutputHelper output)
{
    /// <summary>Every conv model at batch sizes 1, 17 and 32.</summary>
    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (string name in TestModels.ConvNames) foreach (int size in new[] { 1, 17, 32 }) cases.Add(name, size);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv_every_gradient_matches_TorchSharp_autograd(string modelName, int batchSize)
    {
        TorchRuntime.Require();
        (IGeneratedModel generated, ModelLayout layout) = TestModels.Create(modelName, seed: 23);
        var model = (IConvModel)generated;
        var random = new Xoshiro256StarStar(2000 + (ulong)batchSize);
        ReferenceBatch batch = ReferenceBatch.Random(layout, batchSize, ref random);

        model.ForwardTraining(batch);
        model.Backward(batch);
        float[] ours = model.Gradients;

        using var scope = NewDisposeScope();
        using var twin = new TorchTwin(layout);
        twin.LoadParameters(model.Parameters);
        twin.Loss(twin.Forward(twin.Inputs(batch), model.DropoutMasks()), batch).backward();
        float[] theirs = twin.ReadGradients();

        output.WriteLine($"{layout}; batch {batchSize}");
        var failures = new List<string>();
        double largest = 0;
        foreach (TrainableLayer layer in layout.TrainableLayers)
        {
            foreach ((string tensor, int offset, int length) in new[] { ("W", layer.WeightsOffset, layer.WeightsLength), ("b", layer.BiasesOffset, layer.BiasesLength) })
            {
                ReadOnlySpan<float> expected = theirs.AsSpan(offset, length);
                double error = Compare.RelativeToMax(ours.AsSpan(offset, length), expected);
                largest = Math.Max(largest, error);
                output.WriteLine($"  gradient {layer.Name}.{tensor}: error {error:E2} (max|torch| {Compare.MaxAbs(expected):G4})");
                // A zero reference would make the check vacuous: every tensor must carry gradient.
                if (!(error <= BackwardReferenceTests.Tolerance) || Compare.MaxAbs(expected) == 0) failures.Add($"{layer.Name}.{tensor} {error:E2}");
            }
        }
        output.WriteLine($"  largest: {largest:E2}");
        Assert.True(failures.Count == 0, $"{modelName}, batch {batchSize}: gradients differ from autograd's beyond {BackwardReferenceTests.Tolerance:E0} (or are all zero): {string.Join(", ", failures)}.");
    }
}
