using ModelGen.Samples.Mnist.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGen.Benchmarks.Compare.Engines;

/// <summary>
/// Keras' MNIST convnet in TorchSharp, starting from ModelGen's weights, so that the two engines train
/// the same function: Conv2d(1→32, 3) ReLU, max_pool2d 2, Conv2d(32→64, 3) ReLU, max_pool2d 2, flatten,
/// dropout 0.5, Linear(1600→10), cross_entropy on the logits, torch.optim.Adam with ModelGen's
/// hyper-parameters (as in <see cref="TorchSharpEngine"/>).
/// Layout: libtorch convolves NCHW, ModelGen NHWC. The images become an NCHW tensor once, before timing
/// (a TorchSharp user keeps data in tensors; with one channel it is the same memory), and before the
/// flatten each step permutes the features back to (h, w, c), because that is the order the dense
/// weights copied from ModelGen expect. Every step runs in a DisposeScope, as in TorchSharpEngine.
/// </summary>
public sealed class TorchSharpConvEngine : IDisposable
{
    private readonly Conv2d _conv1, _conv2;
    private readonly Linear _dense;
    private readonly optim.Optimizer _adam;
    private readonly Tensor _trainImages, _trainLabels, _testImages;
    private static readonly long[] Pool = [2, 2];

    public TorchSharpConvEngine(MnistSet train, MnistSet test, int batchSize, ReadOnlySpan<float> initialParameters)
    {
        BatchSize = batchSize;
        _conv1 = nn.Conv2d(MnistConvNet.Conv1InputChannels, MnistConvNet.Conv1Filters, MnistConvNet.Conv1KernelHeight);
        _conv2 = nn.Conv2d(MnistConvNet.Conv2InputChannels, MnistConvNet.Conv2Filters, MnistConvNet.Conv2KernelHeight);
        _dense = nn.Linear(MnistConvNet.Dense1Inputs, MnistConvNet.Dense1Units);
        LoadParameters(initialParameters);
        _adam = optim.Adam(_conv1.parameters().Concat(_conv2.parameters()).Concat(_dense.parameters()),
            lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7);
        _trainImages = Nchw(train);
        _trainLabels = tensor(train.Labels.Select(l => (long)l).ToArray(), [train.Count]);
        _testImages = Nchw(test);
    }

    public int BatchSize { get; }

    // [N, 28, 28, 1] channels-last → [N, 1, 28, 28], contiguous.
    private static Tensor Nchw(MnistSet set)
    {
        using Tensor nhwc = tensor(set.Pixels, [set.Count, 28, 28, 1]);
        return nhwc.permute(0, 3, 1, 2).contiguous();
    }

    /// <summary>
    /// Copies ModelGen's flat parameters in: conv W is [kh, kw, in, out] there and [out, in, kh, kw]
    /// in PyTorch; dense W is [inputs, units] there and [units, inputs] in PyTorch's Linear.
    /// </summary>
    public void LoadParameters(ReadOnlySpan<float> parameters)
    {
        using DisposeScope scope = NewDisposeScope();
        using var noGrad = no_grad();
        CopyConv(_conv1, parameters, MnistConvNet.Conv1WeightsOffset, MnistConvNet.Conv1BiasesOffset,
            MnistConvNet.Conv1KernelHeight, MnistConvNet.Conv1KernelWidth, MnistConvNet.Conv1InputChannels, MnistConvNet.Conv1Filters);
        CopyConv(_conv2, parameters, MnistConvNet.Conv2WeightsOffset, MnistConvNet.Conv2BiasesOffset,
            MnistConvNet.Conv2KernelHeight, MnistConvNet.Conv2KernelWidth, MnistConvNet.Conv2InputChannels, MnistConvNet.Conv2Filters);
        Tensor w = tensor(parameters.Slice(MnistConvNet.Dense1WeightsOffset, MnistConvNet.Dense1WeightsLength).ToArray(),
            [MnistConvNet.Dense1Inputs, MnistConvNet.Dense1Units]);
        _dense.weight!.copy_(w.t());
        _dense.bias!.copy_(tensor(parameters.Slice(MnistConvNet.Dense1BiasesOffset, MnistConvNet.Dense1Units).ToArray(), [MnistConvNet.Dense1Units]));
    }

    private static void CopyConv(Conv2d conv, ReadOnlySpan<float> parameters, int weights, int biases, int kh, int kw, int inputs, int filters)
    {
        Tensor w = tensor(parameters.Slice(weights, kh * kw * inputs * filters).ToArray(), [kh, kw, inputs, filters]);
        conv.weight!.copy_(w.permute(3, 2, 0, 1));
        conv.bias!.copy_(tensor(parameters.Slice(biases, filters).ToArray(), [filters]));
    }

    /// <summary>One epoch in the given order (indices into the training set), batches gathered with index_select.</summary>
    public void TrainEpoch(long[] order)
    {
        using Tensor permutation = tensor(order, [order.Length]);
        for (int start = 0; start + BatchSize <= order.Length; start += BatchSize)
        {
            using DisposeScope scope = NewDisposeScope();
            Tensor indices = permutation.narrow(0, start, BatchSize);
            _adam.zero_grad();
            Tensor logits = Forward(_trainImages.index_select(0, indices), training: true);
            nn.functional.cross_entropy(logits, _trainLabels.index_select(0, indices)).backward();
            _adam.step();
        }
    }

    private Tensor Forward(Tensor images, bool training)
    {
        Tensor x = nn.functional.max_pool2d(nn.functional.relu(_conv1.forward(images)), Pool);
        x = nn.functional.max_pool2d(nn.functional.relu(_conv2.forward(x)), Pool);
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], MnistConvNet.Flatten1Size); // NCHW → (h, w, c) features
        x = nn.functional.dropout(x, MnistConvNet.Dropout1Rate, training);
        return _dense.forward(x);
    }

    /// <summary>The probabilities of the first <paramref name="count"/> test images, [count, 10], dropout off (untimed checks).</summary>
    public float[] TestProbabilities(int count)
    {
        const int chunk = 500; // bounds the activations' memory: conv1's output alone is 86 KB per image
        var outputs = new float[count * MnistConvNet.OutputSize];
        for (int start = 0; start < count; start += chunk)
        {
            using DisposeScope scope = NewDisposeScope();
            using var noGrad = no_grad();
            int n = Math.Min(chunk, count - start);
            Tensor probabilities = nn.functional.softmax(Forward(_testImages.narrow(0, start, n), training: false), 1);
            probabilities.data<float>().ToArray().CopyTo(outputs, start * MnistConvNet.OutputSize);
        }
        return outputs;
    }

    public void Dispose()
    {
        _adam.Dispose();
        _conv1.Dispose();
        _conv2.Dispose();
        _dense.Dispose();
        _trainImages.Dispose();
        _trainLabels.Dispose();
        _testImages.Dispose();
    }
}
