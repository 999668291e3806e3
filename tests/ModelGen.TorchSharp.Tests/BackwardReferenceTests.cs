using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests;

/// <summary>Issue 4, check 2: every weight and bias gradient of the generated backward pass agrees with autograd's.</summary>
public class BackwardReferenceTests(ITestOutputHelper output)
{
    /// <summary>Per tensor: max|ours − torch| / max|torch| in float32.</summary>
    public const double Tolerance = 1e-5;

    [Theory]
    [MemberData(nameof(ForwardReferenceTests.Cases), MemberType = typeof(ForwardReferenceTests))]
    public void Every_gradient_matches_TorchSharp_autograd(string modelName, int batchSize)
    {
        TorchRuntime.Require();
        (Models.IGeneratedModel model, ModelLayout layout) = TestModels.Create(modelName, seed: 23);
        var random = new Xoshiro256StarStar(2000 + (ulong)batchSize);
        ReferenceBatch batch = ReferenceBatch.Random(layout, batchSize, ref random);

        model.Forward(batch);
        model.Backward(batch);
        float[] ours = model.Gradients;

        using var scope = NewDisposeScope();
        using var twin = new TorchTwin(layout);
        twin.LoadParameters(model.Parameters);
        twin.Loss(twin.Forward(twin.Inputs(batch)), batch).backward();
        float[] theirs = twin.ReadGradients();

        output.WriteLine($"{layout}; batch {batchSize}");
        var failures = new List<string>();
        foreach (TrainableLayer layer in layout.TrainableLayers)
        {
            foreach ((string tensor, int offset, int length) in new[] { ("W", layer.WeightsOffset, layer.WeightsLength), ("b", layer.BiasesOffset, layer.BiasesLength) })
            {
                ReadOnlySpan<float> expected = theirs.AsSpan(offset, length);
                double error = Compare.RelativeToMax(ours.AsSpan(offset, length), expected);
                output.WriteLine($"  gradient {layer.Name}.{tensor}: error {error:E2} (max|torch| {Compare.MaxAbs(expected):G4})");
                if (!(error <= Tolerance)) failures.Add($"{layer.Name}.{tensor} {error:E2}");
            }
        }
        Assert.True(failures.Count == 0, $"{modelName}, batch {batchSize}: gradients differ from autograd's beyond {Tolerance:E0} (relative to each tensor's max): {string.Join(", ", failures)}.");
    }
}
