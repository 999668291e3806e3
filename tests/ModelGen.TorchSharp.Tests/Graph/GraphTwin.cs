using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.Graph;

/// <summary>
/// The graph models of Models/GraphModels.cs written by hand in TorchSharp as a PyTorch user would write them:
/// NCHW images, nn.Conv2d (groups = C for the depthwise convolution, bias = false where the declaration says
/// UseBias = false), nn.BatchNorm2d(C, eps 1e-5, momentum 0.1), nn.Linear, torch.cat for Concatenate, + for Add,
/// mean over (h, w) for GlobalAveragePooling2D, avg_pool2d(count_include_pad: false) for Keras' AveragePooling2D,
/// flatten(1) on NCHW. Modules are registered under ModelGen's layer names, and a block use ("Stage1") is a child
/// module holding the block's layers, so the state_dict has PyTorch's names: "Stage1.Conv1.weight",
/// "Stage1.Bn2.running_mean", "StemBn.num_batches_tracked" (int64). The weights are torch's own random ones until
/// <see cref="LoadStateDict"/> overwrites every tensor; nothing here reads ModelGen's metadata.
/// </summary>
public sealed class GraphTwin : nn.Module<Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> _logits;
    private readonly StrongBox<long> _clippedAtSix;

    private GraphTwin(string name, (int Height, int Width, int Channels) input, IEnumerable<(string Name, nn.Module Module)> children, Func<Tensor, Tensor> logits, StrongBox<long>? clippedAtSix = null) : base(name)
    {
        Input = input;
        _clippedAtSix = clippedAtSix ?? new StrongBox<long>();
        _logits = logits;
        foreach ((string child, nn.Module module) in children) register_module(child, module);
    }

    /// <summary>The input image, channels-last as ModelGen's rows are.</summary>
    public (int Height, int Width, int Channels) Input { get; }

    /// <summary>How many values ReLU6 has clipped at 6 in the forwards so far (so a test can show the upper clip was exercised).</summary>
    public long ClippedAtSix => _clippedAtSix.Value;

    /// <summary>The model names, as declared in Models/GraphModels.cs.</summary>
    public static readonly string[] Names = ["TinyResNet", "InvertedResidual", "TwoBranches"];

    /// <summary>The twin of a graph model, in training mode.</summary>
    public static GraphTwin For(string model)
    {
        GraphTwin twin = model switch
        {
            "TinyResNet" => TinyResNet(),
            "InvertedResidual" => InvertedResidual(),
            "TwoBranches" => TwoBranches(),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model, "No twin for this model."),
        };
        twin.train();
        return twin;
    }

    // Stem conv 3×3 same → StemBn → ReLU → Stage1 (BasicBlock, 4) → Stage2 (DownsampleBlock, 6, stride 2) → GAP → Dense1 (3).
    private static GraphTwin TinyResNet()
    {
        Conv2d stem = nn.Conv2d(2, 4, 3, padding: 1, bias: false);
        BatchNorm2d stemBn = BatchNorm(4);
        (Group stage1, Func<Tensor, Tensor> basic) = BasicBlock(4);
        (Group stage2, Func<Tensor, Tensor> downsample) = DownsampleBlock(4, 6);
        Linear dense1 = nn.Linear(6, 3);
        return new GraphTwin("TinyResNet", (8, 8, 2),
            [("Stem", stem), ("StemBn", stemBn), ("Stage1", stage1), ("Stage2", stage2), ("Dense1", dense1)],
            x =>
            {
                Tensor y = nn.functional.relu(stemBn.call(stem.call(x)));
                y = downsample(basic(y));
                return dense1.call(y.mean([2, 3]));
            });
    }

    // BasicBlock: Conv1 3×3 same → BatchNorm1 → ReLU → Conv2 3×3 same → Bn2 → + block input → ReLU.
    private static (Group, Func<Tensor, Tensor>) BasicBlock(int filters)
    {
        Conv2d conv1 = nn.Conv2d(filters, filters, 3, padding: 1, bias: false), conv2 = nn.Conv2d(filters, filters, 3, padding: 1, bias: false);
        BatchNorm2d bn1 = BatchNorm(filters), bn2 = BatchNorm(filters);
        var group = new Group("BasicBlock", ("Conv1", conv1), ("BatchNorm1", bn1), ("Conv2", conv2), ("Bn2", bn2));
        return (group, x => nn.functional.relu(bn2.call(conv2.call(nn.functional.relu(bn1.call(conv1.call(x))))) + x));
    }

    // DownsampleBlock: Conv1 3×3 stride 2 same (Keras: on an even size the one padding row/column is at the bottom/right)
    // → BatchNorm1 → ReLU → Conv2 3×3 same → Bn2; Shortcut 1×1 stride 2 → ShortcutBn; sum → ReLU.
    private static (Group, Func<Tensor, Tensor>) DownsampleBlock(int channels, int filters)
    {
        Conv2d conv1 = nn.Conv2d(channels, filters, 3, stride: 2, bias: false), conv2 = nn.Conv2d(filters, filters, 3, padding: 1, bias: false);
        Conv2d shortcut = nn.Conv2d(channels, filters, 1, stride: 2, bias: false);
        BatchNorm2d bn1 = BatchNorm(filters), bn2 = BatchNorm(filters), shortcutBn = BatchNorm(filters);
        var group = new Group("DownsampleBlock", ("Conv1", conv1), ("BatchNorm1", bn1), ("Conv2", conv2), ("Bn2", bn2), ("Shortcut", shortcut), ("ShortcutBn", shortcutBn));
        return (group, x =>
        {
            Tensor main = nn.functional.relu(bn1.call(conv1.call(nn.functional.pad(x, [0, 1, 0, 1]))));
            main = bn2.call(conv2.call(main));
            return nn.functional.relu(main + shortcutBn.call(shortcut.call(x)));
        });
    }

    // Entry 1×1 (bias) → Expand 1×1 → ExpandBn → ReLU6 → DepthwiseConv1 3×3 same (groups = 8) → DepthwiseBn → ReLU6
    // → Project 1×1 → ProjectBn → + Entry → AvgPool 2 → Flatten → Dense1 (3).
    private static GraphTwin InvertedResidual()
    {
        Conv2d entry = nn.Conv2d(3, 4, 1), expand = nn.Conv2d(4, 8, 1, bias: false);
        Conv2d depthwise = nn.Conv2d(8, 8, 3, padding: 1, groups: 8, bias: false), project = nn.Conv2d(8, 4, 1, bias: false);
        BatchNorm2d expandBn = BatchNorm(8), depthwiseBn = BatchNorm(8), projectBn = BatchNorm(4);
        Linear dense1 = nn.Linear(36, 3);
        var clipped = new StrongBox<long>();
        Tensor ReLU6(Tensor x)
        {
            clipped.Value += (x > 6).sum().item<long>();
            return nn.functional.relu6(x);
        }
        return new GraphTwin("InvertedResidual", (6, 6, 3),
            [("Entry", entry), ("Expand", expand), ("ExpandBn", expandBn), ("DepthwiseConv1", depthwise), ("DepthwiseBn", depthwiseBn),
             ("Project", project), ("ProjectBn", projectBn), ("Dense1", dense1)],
            x =>
            {
                Tensor e = entry.call(x);
                Tensor y = ReLU6(expandBn.call(expand.call(e)));
                y = ReLU6(depthwiseBn.call(depthwise.call(y)));
                y = projectBn.call(project.call(y)) + e;
                y = nn.functional.avg_pool2d(y, [2, 2], [2, 2], [0, 0], count_include_pad: false);
                return dense1.call(y.flatten(1));
            }, clipped);
    }

    // Narrow 1×1 ReLU and Wide 3×3 same Tanh, both on the input → concatenated along channels (Narrow's first)
    // → AvgPool 3×3 stride 2 same (7 → 4: one padding row/column on each side, not counted) → Flatten → Dense1 (4).
    private static GraphTwin TwoBranches()
    {
        Conv2d narrow = nn.Conv2d(2, 3, 1), wide = nn.Conv2d(2, 2, 3, padding: 1);
        Linear dense1 = nn.Linear(80, 4);
        return new GraphTwin("TwoBranches", (7, 7, 2), [("Narrow", narrow), ("Wide", wide), ("Dense1", dense1)],
            x =>
            {
                Tensor y = cat([nn.functional.relu(narrow.call(x)), tanh(wide.call(x))], 1);
                y = nn.functional.avg_pool2d(y, [3, 3], [2, 2], [1, 1], count_include_pad: false);
                return dense1.call(y.flatten(1));
            });
    }

    private static BatchNorm2d BatchNorm(int channels) => nn.BatchNorm2d(channels, eps: 1e-5, momentum: 0.1);

    /// <summary>The logits for ModelGen's rows [n, H·W·C] (channels-last), permuted to NCHW on the way in.</summary>
    public override Tensor forward(Tensor rows) =>
        _logits(rows.reshape(rows.shape[0], Input.Height, Input.Width, Input.Channels).permute(0, 3, 1, 2));

    /// <summary>The logits of a batch.</summary>
    public Tensor Logits(ReferenceBatch batch) => call(tensor(batch.Inputs, [batch.Size, Input.Height * Input.Width * Input.Channels]));

    /// <summary>The probabilities ModelGen reports.</summary>
    public static Tensor Outputs(Tensor logits) => nn.functional.softmax(logits, 1);

    /// <summary>Mean cross-entropy of the logits against the int64 labels.</summary>
    public static Tensor Loss(Tensor logits, ReferenceBatch batch) =>
        nn.functional.cross_entropy(logits, tensor(batch.Labels.Select(l => (long)l).ToArray(), [batch.Size]));

    /// <summary>Every trainable tensor by its state_dict name.</summary>
    public Dictionary<string, Parameter> NamedParameters() => named_parameters().ToDictionary(p => p.name, p => p.parameter);

    /// <summary>The state_dict: parameters and buffers (running_mean, running_var, num_batches_tracked) by name.</summary>
    public Dictionary<string, Tensor> StateDict() => state_dict();

    /// <summary>The state_dict as a file would hold it: float32 values, or int64 ones for num_batches_tracked.</summary>
    public Dictionary<string, NamedTensor> StateDictTensors() => StateDict().ToDictionary(p => p.Key, p => ToNamedTensor(p.Value));

    /// <summary>A tensor's shape, dtype and values.</summary>
    public static NamedTensor ToNamedTensor(Tensor t) => t.dtype switch
    {
        ScalarType.Float32 => new NamedTensor(t.shape, TorchTwin.Values(t)),
        ScalarType.Int64 => NamedTensor.OfInt64(t.shape, t.contiguous().data<long>().ToArray()),
        _ => throw new NotSupportedException($"dtype {t.dtype}"),
    };

    /// <summary>
    /// Copies every tensor of a state_dict file into the tensor of the same name, with no transposition of any kind.
    /// Strict: the file must hold exactly the state_dict's names, each with its shape and dtype (int64 for num_batches_tracked).
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, NamedTensor> file)
    {
        Dictionary<string, Tensor> state = StateDict();
        AssertSameKeysShapesAndDTypes(file, StateDictTensors(), "the file", "the twin's state_dict");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach ((string name, Tensor target) in state)
        {
            NamedTensor source = file[name];
            target.copy_(source.Integers is { } integers ? tensor(integers, source.Shape) : tensor(source.Values, source.Shape));
        }
    }

    /// <summary>Fails unless <paramref name="ours"/> has exactly the names of <paramref name="theirs"/>, each with the same shape and dtype.</summary>
    public static void AssertSameKeysShapesAndDTypes(IReadOnlyDictionary<string, NamedTensor> ours, IReadOnlyDictionary<string, NamedTensor> theirs, string ourName, string theirName)
    {
        string[] ourKeys = [.. ours.Keys.Order(StringComparer.Ordinal)], theirKeys = [.. theirs.Keys.Order(StringComparer.Ordinal)];
        Assert.True(ourKeys.SequenceEqual(theirKeys), $"{ourName} holds [{string.Join(", ", ourKeys)}], {theirName} [{string.Join(", ", theirKeys)}].");
        foreach ((string name, NamedTensor theirs1) in theirs)
        {
            NamedTensor ours1 = ours[name];
            Assert.True(ours1.Shape.SequenceEqual(theirs1.Shape), $"{name}: {ourName} has shape [{string.Join(", ", ours1.Shape)}], {theirName} [{string.Join(", ", theirs1.Shape)}].");
            Assert.True(ours1.DType == theirs1.DType, $"{name}: {ourName} has dtype {ours1.DType}, {theirName} {theirs1.DType}.");
        }
    }

    // A block use: a module that only holds the block's layers, so their names get the use's prefix ("Stage1.").
    private sealed class Group : nn.Module
    {
        public Group(string name, params (string Name, nn.Module Module)[] children) : base(name)
        {
            foreach ((string child, nn.Module module) in children) register_module(child, module);
        }
    }
}
