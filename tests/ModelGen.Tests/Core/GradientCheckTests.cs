using ModelGen.Tests.Reference;
using Xunit.Abstractions;

namespace ModelGen.Tests.Core;

/// <summary>
/// The generated forward pass, loss and backward pass against the independent double-precision
/// reference: outputs and loss directly, gradients against central finite differences of the
/// reference loss. Because the reference is exact to about 1e-9, the tolerances only have to absorb
/// the generated code's float32 rounding.
/// </summary>
public sealed class GradientCheckTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (string name in ModelAdapter.Names)
            foreach (int batch in new[] { 1, 5 }) cases.Add(name, batch);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_loss_match_the_double_precision_reference(string name, int batch)
    {
        var (model, inputs, labels, targets) = Setup(name, batch);
        double[] parameters = model.Parameters.Select(p => (double)p).ToArray();
        double[] doubleInputs = inputs.Select(x => (double)x).ToArray();

        model.Forward(inputs);
        float[] outputs = model.Outputs();
        double[] expected = model.Reference.Forward(parameters, doubleInputs, batch);

        Assert.Equal(expected.Length, outputs.Length);
        double outputError = expected.Select((e, i) => Math.Abs(e - outputs[i])).Max();
        output.WriteLine($"max |output - reference| = {outputError:E2}");
        Assert.True(outputError <= 1e-5, $"{name}: outputs differ from the reference by {outputError:E2}");

        float loss = model.Loss(labels, targets);
        double expectedLoss = model.Reference.Loss(parameters, doubleInputs, batch, labels, targets?.Select(t => (double)t).ToArray());
        double lossError = Math.Abs(loss - expectedLoss) / Math.Max(1, Math.Abs(expectedLoss));
        output.WriteLine($"loss {loss} reference {expectedLoss}, relative error {lossError:E2}");
        Assert.True(lossError <= 1e-5, $"{name}: loss {loss} vs reference {expectedLoss}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_finite_differences(string name, int batch)
    {
        var (model, inputs, labels, targets) = Setup(name, batch);
        double[] parameters = model.Parameters.Select(p => (double)p).ToArray();
        // Every parameter of the small models; for the big ones, each layer's biases and a fixed
        // random sample of 400 weights (a full check would take minutes in double precision).
        int[] checkedParameters = parameters.Length <= 2000
            ? Enumerable.Range(0, parameters.Length).ToArray()
            : SampledParameters(model.Reference, 400);
        double[] numerical = model.Reference.NumericalGradient(parameters, inputs.Select(x => (double)x).ToArray(),
            batch, labels, targets?.Select(t => (double)t).ToArray(), checkedParameters);

        model.Gradients.AsSpan().Fill(float.NaN); // Backward must overwrite every gradient
        model.Forward(inputs);
        model.Backward(labels, targets);

        double scale = Math.Max(checkedParameters.Max(k => Math.Abs(numerical[k])), 1e-3);
        double worst = 0;
        int worstIndex = -1;
        foreach (int k in checkedParameters)
        {
            double error = Math.Abs(model.Gradients[k] - numerical[k]) / scale;
            if (!(error <= worst)) { worst = error; worstIndex = k; }
        }
        output.WriteLine($"{name}, batch {batch}: {checkedParameters.Length} of {numerical.Length} parameters, max |g| {scale:E2}, worst relative error {worst:E2} at {worstIndex}");
        Assert.True(worst <= 1e-5,
            $"{name}: gradient {worstIndex} is {model.Gradients[worstIndex]}, finite differences give {numerical[worstIndex]} (relative error {worst:E2})");
    }

    private static int[] SampledParameters(ReferenceNetwork network, int weightsPerLayer)
    {
        var random = new Xoshiro256StarStar(99);
        var chosen = new SortedSet<int>();
        int offset = 0;
        foreach (RefLayer layer in network.Layers)
        {
            int weights = layer.Inputs * layer.Units;
            for (int j = 0; j < weightsPerLayer; j++) chosen.Add(offset + random.NextInt32(weights));
            for (int u = 0; u < layer.Units; u++) chosen.Add(offset + weights + u);
            offset += weights + layer.Units;
        }
        return chosen.ToArray();
    }

    private static (ModelAdapter Model, float[] Inputs, int[]? Labels, float[]? Targets) Setup(string name, int batch)
    {
        ModelAdapter model = ModelAdapter.Create(name, seed: 7, capacity: 8);
        // Non-zero biases, so the bias paths are exercised with something other than zeros.
        var random = new Xoshiro256StarStar(11);
        int offset = 0;
        foreach (RefLayer layer in model.Reference.Layers)
        {
            offset += layer.Inputs * layer.Units;
            for (int u = 0; u < layer.Units; u++) model.Parameters[offset + u] = 0.2f * (2 * random.NextSingle() - 1);
            offset += layer.Units;
        }
        float[] inputs = TestData.Uniform(batch * model.Reference.InputSize, seed: 3);
        if (model.Reference.CrossEntropy) return (model, inputs, TestData.Labels(batch, model.Reference.OutputSize, seed: 5), null);
        return (model, inputs, null, TestData.Uniform(batch * model.Reference.OutputSize, seed: 5));
    }
}
