using ModelGen.Samples.Mnist.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGen.Benchmarks.Compare.Engines;

/// <summary>
/// The same network in TorchSharp (libtorch), written the way an efficient TorchSharp user would:
/// nn.Sequential(Linear, ReLU, Linear) with torch.optim.Adam (the same hyper-parameters as ModelGen's,
/// ε = 1e-7 and β2 = 0.999 set explicitly since TorchSharp's factory defaults differ) and cross_entropy
/// on the logits, which fuses log-softmax as ModelGen fuses softmax and cross-entropy.
/// Choices that keep the comparison fair to TorchSharp:
/// - the datasets become tensors once, before timing (a TorchSharp user keeps data in tensors);
///   batches are index_select (shuffled epoch) or narrow views (consecutive steps), no per-batch copies
///   from managed arrays;
/// - every step and call runs in a DisposeScope, so intermediate tensors are freed at once rather than
///   by the GC's finalizers (the recommended TorchSharp pattern, and the fastest);
/// - inference in eval mode under no_grad, and single-image inference takes the argmax of the logits
///   without the softmax (softmax is monotonic; ModelGen does compute it);
/// - the loss is not read back each step (ModelGen's TrainStep does return it).
/// </summary>
public sealed class TorchSharpEngine : IDisposable
{
    private readonly Sequential _model;
    private readonly Linear _hidden, _output;
    private readonly optim.Optimizer _adam;
    private readonly Tensor _trainImages, _trainLabels, _testImages;
    private readonly int _trainCount;

    public const string Name = "TorchSharp";

    /// <summary>Loads libtorch with <paramref name="threads"/> intra-op threads; fails with a clear message if it cannot load.</summary>
    public static void Initialize(int threads)
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            torch.set_num_threads(threads);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Exception inner = e;
            while (inner.InnerException is not null) inner = inner.InnerException;
            throw new BenchmarkException($"TorchSharp (libtorch) could not be loaded: {inner.Message} " +
                "(on Linux with a libstdc++ older than GCC 13, the build step in build/PatchLibTorchSharp.targets must have run: rebuild this project).");
        }
    }

    public TorchSharpEngine(MnistSet train, MnistSet test, int batchSize, ReadOnlySpan<float> initialParameters)
    {
        BatchSize = batchSize;
        _hidden = nn.Linear(MnistMlp.InputSize, MnistMlp.HiddenUnits);
        _output = nn.Linear(MnistMlp.HiddenUnits, MnistMlp.OutputSize);
        _model = nn.Sequential(("hidden", _hidden), ("relu", nn.ReLU()), ("output", _output));
        LoadParameters(initialParameters);
        _adam = optim.Adam(_model.parameters(), lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7);
        _trainCount = train.Count;
        _trainImages = tensor(train.Pixels, [train.Count, MnistMlp.InputSize]);
        _trainLabels = tensor(train.Labels.Select(l => (long)l).ToArray(), [train.Count]);
        _testImages = tensor(test.Pixels, [test.Count, MnistMlp.InputSize]);
    }

    public int BatchSize { get; }

    /// <summary>
    /// Copies ModelGen's flat parameters in: W is [inputs, units] there and [units, inputs] in
    /// PyTorch's Linear, so it is transposed.
    /// </summary>
    public void LoadParameters(ReadOnlySpan<float> parameters)
    {
        using DisposeScope scope = NewDisposeScope();
        using var noGrad = no_grad();
        Copy(_hidden, parameters, MnistMlp.HiddenWeightsOffset, MnistMlp.HiddenBiasesOffset, MnistMlp.HiddenInputs, MnistMlp.HiddenUnits);
        Copy(_output, parameters, MnistMlp.OutputWeightsOffset, MnistMlp.OutputBiasesOffset, MnistMlp.OutputInputs, MnistMlp.OutputUnits);
    }

    private static void Copy(Linear linear, ReadOnlySpan<float> parameters, int weights, int biases, int inputs, int units)
    {
        Tensor w = tensor(parameters.Slice(weights, inputs * units).ToArray(), [inputs, units]);
        linear.weight!.copy_(w.t());
        linear.bias!.copy_(tensor(parameters.Slice(biases, units).ToArray(), [units]));
    }

    /// <summary>One epoch in the given order (the same permutation ModelGen gets), batches gathered with index_select.</summary>
    public void TrainEpoch(long[] order)
    {
        _model.train();
        using Tensor permutation = tensor(order, [order.Length]);
        for (int start = 0; start + BatchSize <= order.Length; start += BatchSize)
        {
            using DisposeScope scope = NewDisposeScope();
            Tensor indices = permutation.narrow(0, start, BatchSize);
            Step(_trainImages.index_select(0, indices), _trainLabels.index_select(0, indices));
        }
    }

    /// <summary><paramref name="count"/> steps on consecutive batches from <paramref name="firstBatch"/>, as views of the dataset tensor.</summary>
    public void TrainSteps(int firstBatch, int count)
    {
        _model.train();
        int batches = _trainCount / BatchSize;
        for (int i = 0; i < count; i++)
        {
            using DisposeScope scope = NewDisposeScope();
            int start = (firstBatch + i) % batches * BatchSize;
            Step(_trainImages.narrow(0, start, BatchSize), _trainLabels.narrow(0, start, BatchSize));
        }
    }

    private void Step(Tensor images, Tensor labels)
    {
        _adam.zero_grad();
        Tensor loss = nn.functional.cross_entropy(_model.forward(images), labels);
        loss.backward();
        _adam.step();
    }

    /// <summary>Forward pass and argmax for test image <paramref name="index"/> (a [1, 784] view of the test tensor).</summary>
    public int PredictClass(int index)
    {
        using DisposeScope scope = NewDisposeScope();
        using var noGrad = no_grad();
        return (int)_model.forward(_testImages.narrow(0, index, 1)).argmax(1).item<long>();
    }

    /// <summary>The whole test set in one forward pass, with the softmax, as ModelGen's PredictBatch returns probabilities.</summary>
    public void PredictBulk()
    {
        using DisposeScope scope = NewDisposeScope();
        using var noGrad = no_grad();
        nn.functional.softmax(_model.forward(_testImages), 1);
    }

    /// <summary>The bulk probabilities, copied out (not timed).</summary>
    public float[] BulkProbabilities()
    {
        using DisposeScope scope = NewDisposeScope();
        using var noGrad = no_grad();
        return nn.functional.softmax(_model.forward(_testImages), 1).data<float>().ToArray();
    }

    /// <summary>Puts the model in inference mode (eval; no dropout or batch-norm here, but it is what users do).</summary>
    public void Eval() => _model.eval();

    public void Dispose()
    {
        _adam.Dispose();
        _model.Dispose();
        _trainImages.Dispose();
        _trainLabels.Dispose();
        _testImages.Dispose();
    }
}
