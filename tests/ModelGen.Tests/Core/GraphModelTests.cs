using ModelGen.Tests.Models;
using ModelGen.TestModels;
using Xunit.Abstractions;

namespace ModelGen.Tests.Core;

/// <summary>
/// Graph models (residual blocks declared as reusable blocks, an inverted residual, two branches joined by
/// Concatenate): every layer's gradient against central differences of the model's own loss along random
/// directions (so a gradient lost where a tensor feeds two layers shows as an error of order one), running
/// statistics, inference after training, and exact zero allocation per step.
/// </summary>
[Collection(AllocationTestGroup.Name)]
public sealed class GraphModelTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models() => new() { nameof(TinyResNet), nameof(InvertedResidual), nameof(TwoBranches) };

    private static IClassifier Create(string name, ulong seed) => name switch
    {
        nameof(TinyResNet) => new TinyResNet(seed),
        nameof(InvertedResidual) => new InvertedResidual(seed),
        nameof(TwoBranches) => new TwoBranches(seed),
        nameof(WinogradResNet) => new WinogradResNet(seed),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_layers_gradient_matches_finite_differences_of_the_loss(string name)
    {
        switch (Create(name, 3))
        {
            case TinyResNet m: Check(m, m.CreateWorkspace(6)); break;
            case InvertedResidual m: Check(m, m.CreateWorkspace(6)); break;
            case TwoBranches m: Check(m, m.CreateWorkspace(6)); break;
        }
    }

    private void Check<TWorkspace>(IClassifier<TWorkspace> model, TWorkspace workspace) where TWorkspace : IWorkspace
    {
        const int batch = 6;
        float[] inputs = TestData.Uniform(batch * model.InputSize, seed: 4);
        int[] labels = TestData.Labels(batch, model.OutputSize, seed: 5);
        // Non-zero biases, γ away from 1 and β away from 0, so every path carries something.
        var random = new Xoshiro256StarStar(12);
        foreach (LayerInfo layer in model.Layers)
        {
            (int offset, int count) = layer switch
            {
                DenseLayerInfo d => (d.BiasesOffset, d.Units),
                Conv2DLayerInfo c => (c.BiasesOffset, c.Filters),
                BatchNormalizationLayerInfo b => (b.WeightsOffset, 2 * b.Output.Channels),
                _ => (0, 0),
            };
            for (int i = 0; i < count; i++) model.Parameters[offset + i] += 0.3f * (2 * random.NextSingle() - 1);
        }

        model.Forward(workspace, inputs, training: true);
        model.Backward(workspace, labels);
        float[] gradients = model.Gradients.ToArray();

        double Loss(float[] parameters)
        {
            parameters.CopyTo(model.Parameters, 0);
            model.Forward(workspace, inputs, training: true);
            return model.ComputeLoss(workspace, labels);
        }

        float[] original = model.Parameters.ToArray();
        foreach (var (layerName, start, length) in ParameterBlocks(model.Layers))
        {
            // Random directions within the layer's parameters: d·g against (L(p + εd) − L(p − εd)) / 2ε, measured
            // against |d|·|g|, the largest d·g could be. Float32 rounding through the whole network (about 1e-6
            // of the loss) and ReLU kinks make each estimate noisy by a few percent of that scale; a lost or
            // doubled gradient path is wrong by tens of percent in every direction. (The TorchSharp twins check
            // the same gradients against PyTorch element by element.)
            double norm = Math.Sqrt(Enumerable.Range(start, length).Sum(i => (double)gradients[i] * gradients[i]));
            var errors = new List<double>();
            for (int trial = 0; trial < 5; trial++)
            {
                var direction = new float[original.Length];
                for (int i = start; i < start + length; i++) direction[i] = 2 * random.NextSingle() - 1;
                double analytic = 0, directionNorm = 0;
                for (int i = start; i < start + length; i++)
                {
                    analytic += (double)direction[i] * gradients[i];
                    directionNorm += (double)direction[i] * direction[i];
                }
                double scale = Math.Max(Math.Sqrt(directionNorm) * norm, 1e-3);
                // Any one step size is noisy; a wrong gradient is wrong at every step size, so the closest counts.
                double error = double.MaxValue, numerical = 0;
                foreach (float epsilon in new[] { 1e-2f, 3e-3f, 1e-3f, 3e-4f })
                {
                    float[] plus = original.Select((p, i) => p + epsilon * direction[i]).ToArray();
                    float[] minus = original.Select((p, i) => p - epsilon * direction[i]).ToArray();
                    double estimate = (Loss(plus) - Loss(minus)) / (2 * epsilon);
                    double relative = Math.Abs(analytic - estimate) / scale;
                    if (relative < error) (error, numerical) = (relative, estimate);
                }
                output.WriteLine($"{layerName}: d·g = {analytic:E4}, finite differences {numerical:E4}, |d|·|g| = {scale:E2}, error {error:E2} of it");
                errors.Add(error);
            }
            errors.Sort();
            Assert.True(errors[2] < 0.02 && errors[4] < 0.1,
                $"{layerName}: d·g differs from finite differences by {string.Join(", ", errors.Select(e => e.ToString("E2", System.Globalization.CultureInfo.InvariantCulture)))} of |d|·|g|");
        }
        original.CopyTo(model.Parameters, 0);
    }

    /// <summary>Each trainable layer's span of Parameters (W and b together).</summary>
    private static IEnumerable<(string Name, int Start, int Length)> ParameterBlocks(IReadOnlyList<LayerInfo> layers)
    {
        foreach (LayerInfo layer in layers)
        {
            switch (layer)
            {
                case DenseLayerInfo d: yield return (d.Name, d.WeightsOffset, d.BiasesOffset + d.Units - d.WeightsOffset); break;
                case Conv2DLayerInfo c: yield return (c.Name, c.WeightsOffset, c.BiasesOffset + c.Filters - c.WeightsOffset); break;
                case DepthwiseConv2DLayerInfo c: yield return (c.Name, c.WeightsOffset, c.BiasesOffset + c.Output.Channels - c.WeightsOffset); break;
                case BatchNormalizationLayerInfo b: yield return (b.Name, b.WeightsOffset, 2 * (b.BiasesOffset - b.WeightsOffset)); break;
            }
        }
    }

    [Fact]
    public void The_residual_blocks_gradient_sum_is_in_the_generated_code()
    {
        // Stage1's input (StemRelu) is read by its first convolution and by its Add: both parts are summed.
        Assert.Contains("Stage1Conv1", TinyResNet.Layers.Select(l => l.Name));
        Assert.Equal(["Stage1Bn2", "StemRelu"], TinyResNet.Layers.Single(l => l.Name == "Stage1Add1").Inputs);
        Assert.Equal(["Stage1Activation2"], TinyResNet.Layers.Single(l => l.Name == "Stage2Shortcut").Inputs);
        Assert.Contains("Stage1Add1=add<Stage1Bn2,StemRelu", TinyResNet.Spec, StringComparison.Ordinal);
    }

    [Fact]
    public void Training_moves_the_running_statistics_as_PyTorch_and_inference_uses_them()
    {
        var model = new TinyResNet(5);
        var workspace = model.CreateWorkspace(4);
        float[] inputs = TestData.Uniform(4 * TinyResNet.InputSize, seed: 8);
        int[] labels = TestData.Labels(4, TinyResNet.OutputSize, seed: 9);
        Assert.All(model.StemBnRunningVariance.ToArray(), v => Assert.Equal(1f, v));

        // The stem's input is the network's: its batch statistics are known without running anything.
        model.Forward(workspace, inputs, training: true);
        var stem = new TinyResNet(5);
        var stemWorkspace = stem.CreateWorkspace(4);
        stem.Forward(stemWorkspace, inputs, training: false);
        // Stem output = conv(x) (no bias); with running statistics (0, 1), StemBn in inference is γ·z/√(1 + ε) + β = z / √(1 + ε).
        float[] z = stemWorkspace.StemActivations.AsSpan(0, 4 * 64 * 4).ToArray();
        for (int c = 0; c < 4; c++)
        {
            double sum = 0, squares = 0;
            int n = 4 * 64;
            for (int r = 0; r < n; r++) sum += z[r * 4 + c];
            double mean = sum / n;
            for (int r = 0; r < n; r++) squares += (z[r * 4 + c] - mean) * (z[r * 4 + c] - mean);
            double unbiased = squares / (n - 1);
            Assert.Equal(0.1 * mean, model.StemBnRunningMean[c], 1e-6);
            Assert.Equal(0.9 + 0.1 * unbiased, model.StemBnRunningVariance[c], 1e-5);
        }
        Assert.Equal(1L, model.Counters[TinyResNet.StemBnBatchesTrackedIndex]);

        // Training steps change the running statistics; Predict reads them and changes nothing.
        var adam = new Adam();
        for (int i = 0; i < 3; i++) model.TrainStep(workspace, inputs, labels, adam);
        Assert.Equal(4L, model.Counters[TinyResNet.StemBnBatchesTrackedIndex]);
        float[] state = model.State.ToArray();
        var single = new float[TinyResNet.OutputSize];
        model.Predict(inputs.AsSpan(0, TinyResNet.InputSize), single);
        Assert.Equal(state, model.State);
        model.Forward(workspace, inputs, training: false);
        Assert.Equal(single, workspace.Outputs.Slice(0, TinyResNet.OutputSize).ToArray());
    }

    /// <summary>
    /// Predictions run Infer, where each convolution normalises its own output (BatchNormalization with the running
    /// statistics, and the Add and ReLU fused into it) a sample at a time: the same bits as Forward in inference mode,
    /// which keeps every activation for Backward, on any number of images and cores.
    /// </summary>
    [Fact]
    public void Predictions_with_fused_normalisation_give_the_bits_of_Forward()
    {
        var model = new TinyResNet(11);
        const int count = 9;
        var workspace = model.CreateWorkspace(count);
        float[] inputs = TestData.Uniform(count * TinyResNet.InputSize, seed: 12);
        int[] labels = TestData.Labels(count, TinyResNet.OutputSize, seed: 13);
        var adam = new Adam();
        for (int i = 0; i < 3; i++) model.TrainStep(workspace, inputs, labels, adam); // running statistics away from (0, 1)

        model.Forward(workspace, inputs, training: false);
        float[] expected = workspace.Outputs.Slice(0, count * TinyResNet.OutputSize).ToArray();
        float[] batch = new float[expected.Length];
        model.PredictBatch(inputs, batch);
        Assert.Equal(expected, batch);
        var single = new float[TinyResNet.OutputSize];
        model.Predict(inputs.AsSpan((count - 1) * TinyResNet.InputSize, TinyResNet.InputSize), single);
        Assert.Equal(expected.AsSpan((count - 1) * TinyResNet.OutputSize).ToArray(), single);
    }

    /// <summary>
    /// The 3×3 stride-1 convolutions of 16 or more channels and a multiple of 16 filters before a BatchNormalization take Winograd's
    /// F(2×2, 3×3), in Forward (training or not) on weights transformed by each call, and in Infer on weights transformed from the
    /// parameters into the workspace: a convolution's z within rounding of the direct sums (and not their bits, so the path ran);
    /// predictions the bits of Forward in inference mode; a sample's prediction the same bits alone (Predict) or in a batch of 100
    /// (PredictBatch's blocks after a chunk's first reuse the transformed weights), on all cores or one; and after the parameters
    /// change (training steps, or a direct write into Parameters) the new parameters' predictions, never stale transformed weights.
    /// </summary>
    [Fact]
    public void Winograd_predictions_follow_Forward_and_the_parameters()
    {
        var model = new WinogradResNet(21);
        const int count = 100, trained = 8;
        var workspace = model.CreateWorkspace(count);
        float[] inputs = TestData.Uniform(count * WinogradResNet.InputSize, seed: 22);
        int[] labels = TestData.Labels(trained, WinogradResNet.OutputSize, seed: 23);
        var adam = new Adam();
        for (int round = 0; round < 4; round++)
        {
            if (round < 3) model.TrainStep(workspace, inputs.AsSpan(0, trained * WinogradResNet.InputSize), labels, adam);
            else for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] *= 0.75f; // not through any method of the model
            model.Forward(workspace, inputs, training: false);
            float[] expected = workspace.Outputs.ToArray();
            int zLength = count * WinogradResNet.Stage1Conv1OutputSize;
            float[] direct = new float[zLength];
            Convolution.Forward(workspace.StemReluActivations.AsSpan(0, count * WinogradResNet.StemOutputSize), new float[count * WinogradResNet.Stage1Conv1Geometry.OutputPixels * WinogradResNet.Stage1Conv1Geometry.PatchSize],
                model.Stage1Conv1Weights, model.Stage1Conv1Biases, direct, count, WinogradResNet.Stage1Conv1Geometry, WinogradResNet.Stage1Conv1Filters);
            float[] z = workspace.Stage1Conv1Activations.AsSpan(0, zLength).ToArray();
            KernelAssert.CloseToMax(direct, z, 1e-5, $"round {round}: Stage1Conv1's z against the direct sums");
            Assert.False(direct.AsSpan().SequenceEqual(z), $"round {round}: Stage1Conv1's z has the direct sums' bits: the Winograd path did not run.");
            float[] batch = new float[expected.Length];
            model.PredictBatch(inputs, batch);
            KernelAssert.BitIdentical<float>(expected, batch, $"round {round}: PredictBatch against Forward");
            Kernels.AllowParallel = false;
            try
            {
                float[] oneCore = new float[expected.Length];
                model.PredictBatch(inputs, oneCore);
                KernelAssert.BitIdentical<float>(batch, oneCore, $"round {round}: PredictBatch on one core");
            }
            finally { Kernels.AllowParallel = true; }
            var single = new float[WinogradResNet.OutputSize];
            foreach (int n in new[] { 0, 37, count - 1 })
            {
                model.Predict(inputs.AsSpan(n * WinogradResNet.InputSize, WinogradResNet.InputSize), single);
                KernelAssert.BitIdentical<float>(batch.AsSpan(n * WinogradResNet.OutputSize, WinogradResNet.OutputSize), single, $"round {round}: Predict of sample {n}");
            }
        }
    }

    [Fact]
    public void Save_and_load_keep_parameters_state_and_counters_bit_for_bit()
    {
        var model = new TinyResNet(5);
        var workspace = model.CreateWorkspace(4);
        float[] inputs = TestData.Uniform(4 * TinyResNet.InputSize, seed: 8);
        int[] labels = TestData.Labels(4, TinyResNet.OutputSize, seed: 9);
        var adam = new Adam();
        for (int i = 0; i < 3; i++) model.TrainStep(workspace, inputs, labels, adam);
        string path = Path.Combine(Path.GetTempPath(), "modelgen-graph-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            model.Save(path);
            var loaded = new TinyResNet(99);
            loaded.Load(path);
            Assert.Equal(model.Parameters, loaded.Parameters);
            Assert.Equal(model.State, loaded.State);
            Assert.Equal(model.Counters, loaded.Counters);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string, string> Operations()
    {
        var data = new TheoryData<string, string>();
        foreach (string model in new[] { nameof(TinyResNet), nameof(InvertedResidual), nameof(TwoBranches), nameof(WinogradResNet) })
            foreach (string operation in new[] { "Predict", "PredictBatch", "Forward", "Backward", "TrainStep with Adam", "TrainStep with SGD momentum" })
                data.Add(model, operation);
        return data;
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Graph_model_operation_allocates_nothing(string name, string operation)
    {
        switch (Create(name, 1))
        {
            case TinyResNet m: Assert.Equal(0, MeasureOperation(m, m.CreateWorkspace(8), operation)); break;
            case InvertedResidual m: Assert.Equal(0, MeasureOperation(m, m.CreateWorkspace(8), operation)); break;
            case TwoBranches m: Assert.Equal(0, MeasureOperation(m, m.CreateWorkspace(8), operation)); break;
            case WinogradResNet m: Assert.Equal(0, MeasureOperation(m, m.CreateWorkspace(8), operation)); break;
        }
    }

    private static long MeasureOperation<TWorkspace>(IClassifier<TWorkspace> model, TWorkspace workspace, string operation) where TWorkspace : IWorkspace
    {
        float[] batch = TestData.Uniform(8 * model.InputSize, seed: 2);
        int[] labels = TestData.Labels(8, model.OutputSize, seed: 3);
        var output = new float[model.OutputSize];
        var outputs = new float[100 * model.OutputSize];
        float[] many = TestData.Uniform(100 * model.InputSize, seed: 4);
        var adam = new Adam();
        var momentum = new Sgd(0.01f, 0.9f);
        model.TrainStep(workspace, batch, labels, adam);
        model.TrainStep(workspace, batch, labels, momentum);
        model.PredictBatch(many, outputs);
        Action action = operation switch
        {
            "Predict" => () => model.Predict(batch.AsSpan(0, model.InputSize), output),
            "PredictBatch" => () => model.PredictBatch(many, outputs),
            "Forward" => () => model.Forward(workspace, batch, training: true),
            "Backward" => () => model.Backward(workspace, labels),
            "TrainStep with Adam" => () => model.TrainStep(workspace, batch, labels, adam),
            "TrainStep with SGD momentum" => () => model.TrainStep(workspace, batch, labels, momentum),
            _ => throw new ArgumentException(operation),
        };
        return AllocationMeter.Measure(action, 20);
    }
}
