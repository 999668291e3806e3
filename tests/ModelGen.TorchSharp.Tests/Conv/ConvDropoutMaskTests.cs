using ModelGen.ReferenceTests.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.Conv;

/// <summary>
/// The dropout masks the shared-mask checks rely on are real masks: only 0 and 1 / (1 − rate), dropping
/// about a rate's share, different from one training Forward to the next; and the twin's agreement
/// depends on them (another mask gives other outputs), so sharing them is not a vacuous step.
/// </summary>
public class ConvDropoutMaskTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(ConvFileInteropTests.Models), MemberType = typeof(ConvFileInteropTests))]
    public void Conv_dropout_masks_are_inverted_bernoulli_and_matter_to_the_twin(string modelName)
    {
        TorchRuntime.Require();
        (IGeneratedModel generated, ModelLayout layout) = TestModels.Create(modelName, seed: 61);
        var model = (IConvModel)generated;
        DropoutLayer dropout = layout.Layers.OfType<DropoutLayer>().Single();
        var random = new Xoshiro256StarStar(6100);
        ReferenceBatch batch = ReferenceBatch.Random(layout, ReferenceBatch.MaxSize, ref random);

        float[] ours = model.ForwardTraining(batch).ToArray();
        float[] mask = model.DropoutMasks()![dropout.Name];
        model.ForwardTraining(batch);
        float[] next = model.DropoutMasks()![dropout.Name];

        float kept = (float)(1 / (1 - dropout.Rate));
        double dropped = mask.Count(v => v == 0) / (double)mask.Length;
        output.WriteLine($"{modelName}.{dropout.Name}: rate {dropout.Rate}, dropped {dropped:P1} of {mask.Length}; values {string.Join(", ", mask.Distinct().Order())}");
        Assert.All(mask, v => Assert.True(v == 0 || v == kept, $"mask value {v}, expected 0 or {kept}"));
        // A binomial share: 5 standard deviations either way.
        double sigma = Math.Sqrt(dropout.Rate * (1 - dropout.Rate) / mask.Length);
        Assert.InRange(dropped, dropout.Rate - 5 * sigma, dropout.Rate + 5 * sigma);
        Assert.NotEqual(mask, next);

        using var scope = NewDisposeScope();
        using var twin = new TorchTwin(layout);
        twin.LoadParameters(model.Parameters);
        float[] same = TorchTwin.Values(twin.Outputs(twin.Forward(twin.Inputs(batch), new Dictionary<string, float[]> { [dropout.Name] = mask })));
        float[] other = TorchTwin.Values(twin.Outputs(twin.Forward(twin.Inputs(batch), new Dictionary<string, float[]> { [dropout.Name] = next })));
        double sameError = Compare.RelativeToMax(ours, same), otherError = Compare.RelativeToMax(ours, other);
        output.WriteLine($"  twin with the same mask: error {sameError:E2}; with the next mask: {otherError:E2}");
        Assert.True(sameError <= ForwardReferenceTests.Tolerance, $"{modelName}: the twin with ModelGen's mask is {sameError:E2} away.");
        Assert.True(otherError > 1e3 * ForwardReferenceTests.Tolerance, $"{modelName}: another mask changed the twin's outputs by only {otherError:E2}.");
    }
}
