using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using ModelGen.Samples.Mnist.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ModelGen.Samples.Mnist;

namespace ModelGen.Benchmarks.Compare.Engines;

/// <summary>
/// ResNet-20 in TorchSharp, written as a PyTorch user would: NCHW, nn modules (Conv2d without bias,
/// BatchNorm2d with PyTorch's eps 1e-5 and momentum 0.1, Linear), modules named as the generated model's
/// Save names its tensors ("Stem", "StemBn", "Stage1", "Stage1_2", ..., "Stage2Down.Shortcut",
/// "Classifier"), so ModelGen's safetensors file loads into <c>state_dict()</c> by name with no
/// transposition. Keras' "same" padding of the strided 3×3 convolutions (0 top/left, 1 bottom/right) is
/// an explicit pad before an unpadded Conv2d; the stride-1 ones use Conv2d's symmetric padding 1.
/// cross_entropy on the logits, torch.optim.Adam with ModelGen's hyper-parameters, every step in a
/// DisposeScope, the datasets as tensors made once before timing (as in <see cref="TorchSharpConvEngine"/>).
/// </summary>
public sealed class TorchSharpResNetEngine : IDisposable
{
    private readonly ResNetTwin _model;
    private readonly optim.Optimizer _adam;
    private readonly Tensor _trainImages, _trainLabels, _testImages;

    public TorchSharpResNetEngine(MnistSet train, MnistSet test, int batchSize, string safetensorsPath)
    {
        BatchSize = batchSize;
        _model = new ResNetTwin();
        Load(safetensorsPath);
        _adam = optim.Adam(_model.parameters(), lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7);
        // [N, 28, 28, 1] channels-last is [N, 1, 28, 28] NCHW: with one channel it is the same memory.
        _trainImages = tensor(train.Pixels, [train.Count, 1, 28, 28]);
        _trainLabels = tensor(train.Labels.Select(l => (long)l).ToArray(), [train.Count]);
        _testImages = tensor(test.Pixels, [test.Count, 1, 28, 28]);
    }

    public int BatchSize { get; }

    /// <summary>
    /// Copies every tensor of a safetensors file written by the generated model's Save (PyTorch's
    /// state_dict names and layouts: weights, running statistics, num_batches_tracked) into the twin's
    /// state_dict entry of the same name. Every entry must be in the file and every tensor used.
    /// </summary>
    public void Load(string safetensorsPath)
    {
        Dictionary<string, (long[] Shape, float[]? Floats, long[]? Longs)> file = ReadSafeTensors(safetensorsPath);
        using DisposeScope scope = NewDisposeScope();
        using var noGrad = no_grad();
        var unused = new HashSet<string>(file.Keys);
        foreach ((string name, Tensor target) in _model.state_dict())
        {
            if (!file.TryGetValue(name, out var saved))
                throw new BenchmarkException($"the ResNet twin's {name} is not in {safetensorsPath} (it holds {string.Join(", ", file.Keys)}).");
            if (!target.shape.SequenceEqual(saved.Shape))
                throw new BenchmarkException($"{name}: the file has shape [{string.Join(", ", saved.Shape)}], the twin [{string.Join(", ", target.shape)}].");
            target.copy_(saved.Floats is { } floats ? tensor(floats, saved.Shape) : tensor(saved.Longs!, saved.Shape));
            unused.Remove(name);
        }
        if (unused.Count > 0) throw new BenchmarkException($"the ResNet twin has no place for {string.Join(", ", unused)}.");
    }

    // The format from its specification: 8-byte little-endian header length, a JSON header of
    // name → dtype, shape, data_offsets, then the raw data. F32 and I64 (num_batches_tracked) only.
    private static Dictionary<string, (long[] Shape, float[]? Floats, long[]? Longs)> ReadSafeTensors(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        int dataStart = 8 + headerLength;
        var tensors = new Dictionary<string, (long[], float[]?, long[]?)>();
        foreach (JsonProperty entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            string dtype = entry.Value.GetProperty("dtype").GetString()!;
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            ReadOnlySpan<byte> data = bytes.AsSpan(dataStart + (int)offsets[0], (int)(offsets[1] - offsets[0]));
            tensors[entry.Name] = dtype switch
            {
                "F32" => (shape, MemoryMarshal.Cast<byte, float>(data).ToArray(), null),
                "I64" => (shape, null, MemoryMarshal.Cast<byte, long>(data).ToArray()),
                _ => throw new BenchmarkException($"{path}: {entry.Name} has dtype {dtype}, not F32 or I64."),
            };
        }
        return tensors;
    }

    /// <summary>One epoch in the given order (indices into the training set), batches gathered with index_select.</summary>
    public void TrainEpoch(long[] order)
    {
        _model.train();
        using Tensor permutation = tensor(order, [order.Length]);
        for (int start = 0; start + BatchSize <= order.Length; start += BatchSize)
        {
            using DisposeScope scope = NewDisposeScope();
            Tensor indices = permutation.narrow(0, start, BatchSize);
            _adam.zero_grad();
            Tensor logits = _model.forward(_trainImages.index_select(0, indices));
            nn.functional.cross_entropy(logits, _trainLabels.index_select(0, indices)).backward();
            _adam.step();
        }
    }

    /// <summary>The probabilities of the first <paramref name="count"/> test images, [count, 10], eval mode (running statistics; untimed checks).</summary>
    public float[] TestProbabilities(int count)
    {
        _model.eval();
        const int chunk = 500;
        var outputs = new float[count * 10];
        for (int start = 0; start < count; start += chunk)
        {
            using DisposeScope scope = NewDisposeScope();
            using var noGrad = no_grad();
            int n = Math.Min(chunk, count - start);
            nn.functional.softmax(_model.forward(_testImages.narrow(0, start, n)), 1).data<float>().ToArray().CopyTo(outputs, start * 10);
        }
        return outputs;
    }

    /// <summary>
    /// The probabilities of the first <paramref name="count"/> training images in training mode (the batch's
    /// statistics), without a gradient step. It updates the running statistics as any training forward does:
    /// call <see cref="Load"/> afterwards to start from the file's again (untimed check).
    /// </summary>
    public float[] TrainingModeProbabilities(int count)
    {
        _model.train();
        using DisposeScope scope = NewDisposeScope();
        using var noGrad = no_grad();
        return nn.functional.softmax(_model.forward(_trainImages.narrow(0, 0, count)), 1).data<float>().ToArray();
    }

    public void Dispose()
    {
        _adam.Dispose();
        _model.Dispose();
        _trainImages.Dispose();
        _trainLabels.Dispose();
        _testImages.Dispose();
    }

    /// <summary>The network: stem, nine blocks, global average pooling, classifier (logits; the softmax is in the loss).</summary>
    private sealed class ResNetTwin : nn.Module<Tensor, Tensor>
    {
        // Field names are the state_dict names: RegisterComponents names modules after their fields.
        private readonly Conv2d Stem;
        private readonly BatchNorm2d StemBn;
        private readonly BasicBlock[] _blocks; // registered one by one, under their saved names
        private readonly Linear Classifier;

        public ResNetTwin() : base("MnistResNet")
        {
            Stem = nn.Conv2d(1, 16, 3, padding: 1, bias: false);
            StemBn = nn.BatchNorm2d(16, eps: 1e-5, momentum: 0.1);
            _blocks =
            [
                new("Stage1", 16, 16, false), new("Stage1_2", 16, 16, false), new("Stage1_3", 16, 16, false),
                new("Stage2Down", 16, 32, true), new("Stage2", 32, 32, false), new("Stage2_2", 32, 32, false),
                new("Stage3Down", 32, 64, true), new("Stage3", 64, 64, false), new("Stage3_2", 64, 64, false),
            ];
            Classifier = nn.Linear(64, 10);
            RegisterComponents();
            foreach (BasicBlock block in _blocks) register_module(block.SavedName, block);
        }

        public override Tensor forward(Tensor x)
        {
            x = nn.functional.relu(StemBn.forward(Stem.forward(x)));
            foreach (BasicBlock block in _blocks) x = block.forward(x);
            return Classifier.forward(x.mean([2, 3])); // global average pooling
        }
    }

    /// <summary>
    /// conv 3×3 → BN → ReLU → conv 3×3 → BN, plus the input (or, when it downsamples, a strided 1×1 conv + BN
    /// of it), then ReLU: the generated model's ResidualBlock and DownsamplingBlock.
    /// </summary>
    private sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private static readonly long[] KerasSamePad = [0, 1, 0, 1]; // left, right, top, bottom
        // Field names are the state_dict names (RegisterComponents); the shortcut's are null in a block that keeps its size.
        private readonly Conv2d Conv1, Conv2;
        private readonly BatchNorm2d Bn1, Bn2;
        private readonly Conv2d? Shortcut;
        private readonly BatchNorm2d? ShortcutBn;

        public BasicBlock(string name, int inputs, int filters, bool downsample) : base(name)
        {
            SavedName = name;
            Conv1 = downsample
                ? nn.Conv2d(inputs, filters, 3, stride: 2, padding: 0L, bias: false)
                : nn.Conv2d(inputs, filters, 3, padding: 1, bias: false);
            Bn1 = nn.BatchNorm2d(filters, eps: 1e-5, momentum: 0.1);
            Conv2 = nn.Conv2d(filters, filters, 3, padding: 1, bias: false);
            Bn2 = nn.BatchNorm2d(filters, eps: 1e-5, momentum: 0.1);
            if (downsample)
            {
                Shortcut = nn.Conv2d(inputs, filters, 1, stride: 2, bias: false);
                ShortcutBn = nn.BatchNorm2d(filters, eps: 1e-5, momentum: 0.1);
            }
            RegisterComponents();
        }

        /// <summary>The block's prefix in the state_dict ("Stage2Down").</summary>
        public string SavedName { get; }

        public override Tensor forward(Tensor x)
        {
            Tensor y = Shortcut is null ? Conv1.forward(x) : Conv1.forward(nn.functional.pad(x, KerasSamePad));
            y = nn.functional.relu(Bn1.forward(y));
            y = Bn2.forward(Conv2.forward(y));
            Tensor shortcut = Shortcut is null ? x : ShortcutBn!.forward(Shortcut.forward(x));
            return nn.functional.relu(y + shortcut);
        }
    }
}
