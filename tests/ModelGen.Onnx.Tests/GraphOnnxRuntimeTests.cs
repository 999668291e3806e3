using ModelGen.Export;
using ModelGen.Onnx.Tests.Harness;

namespace ModelGen.Onnx.Tests;

/// <summary>
/// Graph networks (residual sums, projection shortcuts, MobileNetV2's inverted residual, concatenations, batch
/// normalization, standalone activations, average and global average pooling, depthwise convolutions) given as
/// LayerInfo lists with random parameters and state, exported and run by ONNX Runtime on channels-last inputs: the
/// outputs equal a naive NHWC reference forward pass (<see cref="GraphModel"/>) within 1e-5.
/// </summary>
public sealed class GraphOnnxRuntimeTests
{
    /// <summary>The networks by name, and how far their inputs spread (ReLU6's upper bound needs values beyond 6).</summary>
    public static (GraphModel Model, float InputScale) Create(string name) => name switch
    {
        // ResNet's basic block: Conv → BN → ReLU → Conv → BN, the sum with the block's input (the stem), ReLU.
        "residual" => (new GraphModel(TensorShape.Image(8, 7, 3))
            .Conv2D("Stem", 4, 3, 1, Padding.Same, Activation.ReLU)
            .Conv2D("Conv1", 4, 3, 1, Padding.Same)
            .BatchNormalization("Norm1")
            .Activation("Relu1", Activation.ReLU)
            .Conv2D("Conv2", 4, 3, 1, Padding.Same)
            .BatchNormalization("Norm2")
            .Add("Sum", "Norm2", "Stem")
            .Activation("Out", Activation.ReLU), 1f),
        // A strided block whose shortcut is a 1×1 stride-2 projection of the network input, read by its name.
        "projection" => (new GraphModel(TensorShape.Image(9, 9, 3))
            .Conv2D("Conv1", 6, 3, 2, Padding.Same)
            .BatchNormalization("Norm1")
            .Activation("Relu1", Activation.LeakyReLU, slope: 0.1f)
            .Conv2D("Conv2", 6, 3, 1, Padding.Same)
            .BatchNormalization("Norm2")
            .Conv2D("Shortcut", 6, 1, 2, Padding.Same, from: "image")
            .BatchNormalization("ShortcutNorm")
            .Add("Sum", "Norm2", "ShortcutNorm")
            .Activation("Out", Activation.ReLU), 1f),
        // MobileNetV2: 1×1 expansion, depthwise 3×3 with ReLU6, linear 1×1 projection, the sum with the block input;
        // then global average pooling and a softmax classifier.
        "inverted-residual" => (new GraphModel(TensorShape.Image(7, 6, 3))
            .Conv2D("Stem", 8, 3, 1, Padding.Same, Activation.ReLU6)
            .Conv2D("Expand", 24, 1, 1, Padding.Valid)
            .BatchNormalization("ExpandNorm")
            .Activation("ExpandRelu6", Activation.ReLU6)
            .DepthwiseConv2D("Depthwise", 3, 3, 1, Padding.Same)
            .BatchNormalization("DepthwiseNorm")
            .Activation("DepthwiseRelu6", Activation.ReLU6)
            .Conv2D("Project", 8, 1, 1, Padding.Valid)
            .BatchNormalization("ProjectNorm")
            .Add("Sum", "ProjectNorm", "Stem")
            .GlobalAveragePooling2D("Pool")
            .Dense("Out", 5, Activation.Softmax), 4f),
        // A depthwise convolution with a 3×2 kernel, stride 2, Same padding (2 rows, 0 columns), two kernels per channel, and
        // ReLU6 as its own activation; then Flatten → Dense (the channels-first output goes back to channels-last first).
        "depthwise-multiplier" => (new GraphModel(TensorShape.Image(9, 8, 3))
            .DepthwiseConv2D("Depthwise", 3, 2, 2, Padding.Same, multiplier: 2, Activation.ReLU6)
            .Flatten("Flat")
            .Dense("Out", 4, Activation.Tanh), 5f),
        // Two branches (a 1×1 and a 3×3 → 3×3 tower) and the network input, joined along the channels, then mixed.
        "concatenate" => (new GraphModel(TensorShape.Image(8, 8, 3))
            .Conv2D("Branch1", 4, 1, 1, Padding.Valid, Activation.ReLU)
            .Conv2D("Branch2a", 2, 3, 1, Padding.Same, Activation.ReLU, from: "image")
            .Conv2D("Branch2b", 3, 3, 1, Padding.Same, Activation.Tanh)
            .Concatenate("Joined", "Branch1", "Branch2b", "image")
            .Conv2D("Mix", 5, 1, 1, Padding.Valid, Activation.Sigmoid)
            .MaxPool2D("Pool", 2, 2, Padding.Valid), 1f),
        // Flat: two heads off the input, a three-way sum, a concatenation with the input, batch normalization per feature.
        "flat-graph" => (new GraphModel(TensorShape.Flat(6), "x")
            .Dense("P", 5, Activation.ReLU)
            .Dense("Q", 4, Activation.Tanh, from: "x")
            .Dense("R", 4, from: "P")
            .Dense("S", 4, Activation.Sigmoid, from: "x")
            .Add("Sum3", "Q", "R", "S")
            .Concatenate("Joined", "Sum3", "x", "P")
            .BatchNormalization("Norm")
            .Activation("Leaky", Activation.LeakyReLU, slope: 0.2f)
            .Dropout("Drop")
            .Dense("Out", 3, Activation.Softmax), 1f),
        "average-valid" => (new GraphModel(TensorShape.Image(9, 7, 3))
            .AveragePooling2D("Pool", 3, 3, 2, Padding.Valid, countIncludePad: false), 1f),
        // Same padding, 3×2 window, stride 2 on 9×7: rows pad 1 + 1, columns 0 + 1; the edge windows hold padding.
        "average-same-keras" => (new GraphModel(TensorShape.Image(9, 7, 3))
            .AveragePooling2D("Pool", 3, 2, 2, Padding.Same, countIncludePad: false), 1f),
        "average-same-pytorch" => (new GraphModel(TensorShape.Image(9, 7, 3))
            .AveragePooling2D("Pool", 3, 2, 2, Padding.Same, countIncludePad: true), 1f),
        // 3×3 stride 1 Same: every border window holds padding; after a convolution, so the input is channels-first.
        "average-after-conv" => (new GraphModel(TensorShape.Image(5, 6, 2))
            .Conv2D("Conv", 3, 1, 1, Padding.Valid)
            .AveragePooling2D("PoolKeras", 3, 3, 1, Padding.Same, countIncludePad: false)
            .AveragePooling2D("PoolTorch", 3, 3, 1, Padding.Same, countIncludePad: true, from: "Conv")
            .Concatenate("Both", "PoolKeras", "PoolTorch"), 1f), // not a sum: swapping the two conventions must show
        "global-average-dense" => (new GraphModel(TensorShape.Image(6, 5, 4))
            .Conv2D("Conv", 5, 3, 1, Padding.Same, Activation.ReLU)
            .GlobalAveragePooling2D("Pool")
            .Dense("Out", 3, Activation.Softmax), 1f),
        // ReLU6 as a layer and as a convolution's activation, on inputs up to ±10 so that both bounds clip.
        "relu6" => (new GraphModel(TensorShape.Image(4, 4, 3))
            .Activation("Clip", Activation.ReLU6)
            .Conv2D("Conv", 4, 1, 1, Padding.Valid, Activation.ReLU6, from: "image")
            .Concatenate("Both", "Clip", "Conv"), 10f),
        _ => throw new ArgumentException($"No network named {name}.", nameof(name)),
    };

    public static readonly string[] Names =
    [
        "residual", "projection", "inverted-residual", "depthwise-multiplier", "concatenate", "flat-graph", "average-valid",
        "average-same-keras", "average-same-pytorch", "average-after-conv", "global-average-dense", "relu6",
    ];

    public static TheoryData<string, int> NetworksAndBatchSizes()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Names)
            foreach (int rows in (int[])[1, 3]) data.Add(name, rows);
        return data;
    }

    internal static float[] Inputs(GraphModel model, float scale, int rows, ulong seed) =>
        ConvOnnxRuntimeTests.RandomInputs(rows * model.Input.Size, seed).Select(v => v * scale).ToArray();

    internal static long[] Shape(TensorShape input, int rows) =>
        input.IsImage ? [rows, input.Height, input.Width, input.Channels] : [rows, input.Size];

    internal static float[] RunInOnnxRuntime(GraphModel model, float[] inputs, int rows)
    {
        using var folder = new TempFolder();
        string path = folder.File("graph.onnx");
        OnnxExporter.Write(path, "Graph", model.Input, model.Layers, model.Parameters, model.State);
        using var runner = new OrtRunner(path);
        return runner.Run(inputs, Shape(model.Input, rows));
    }

    [Theory]
    [MemberData(nameof(NetworksAndBatchSizes))]
    public void Onnx_Runtime_outputs_equal_the_naive_reference(string name, int rows)
    {
        (GraphModel model, float scale) = Create(name);
        model.Randomize(seed: 11 + (ulong)rows);
        float[] inputs = Inputs(model, scale, rows, seed: 200 + (ulong)rows);
        float[] ours = model.Predict(inputs, rows);
        float[] theirs = RunInOnnxRuntime(model, inputs, rows);
        Compare.Within(ours, theirs, model.Output.Size, $"{name}, {rows} row(s)");
    }

    [Fact]
    public void ReLU6_clips_at_both_bounds_in_the_relu6_network()
    {
        // Guards the test above: the network's outputs must reach 0 and 6, or the upper bound went untested.
        (GraphModel model, float scale) = Create("relu6");
        model.Randomize(seed: 12);
        float[] ours = model.Predict(Inputs(model, scale, 1, seed: 201), 1);
        Assert.Contains(6f, ours);
        Assert.Contains(0f, ours);
        Assert.Contains(ours, v => v > 0f && v < 6f);
    }

    [Fact]
    public void Count_include_pad_changes_the_border_values()
    {
        // Guards the averages: the two conventions must differ on padded windows, so each mapping is really tested.
        float[] keras = Outputs("average-same-keras"), torch = Outputs("average-same-pytorch");
        Assert.NotEqual(keras[0], torch[0]);

        static float[] Outputs(string name)
        {
            (GraphModel model, float scale) = Create(name);
            return model.Randomize(1).Predict(Inputs(model, scale, 1, seed: 5), 1);
        }
    }

    [Fact]
    public void The_comparison_fails_when_a_running_statistic_is_misplaced()
    {
        // Guards the test itself: swapping one channel's running mean and variance must be noticed.
        (GraphModel model, float scale) = Create("residual");
        model.Randomize(seed: 3);
        float[] inputs = Inputs(model, scale, 2, seed: 4);
        float[] ours = model.Predict(inputs, 2);
        var norm = (BatchNormalizationLayerInfo)model.Layers.Single(layer => layer.Name == "Norm2");
        (model.State[norm.RunningMeanOffset + 1], model.State[norm.RunningVarianceOffset + 1]) =
            (model.State[norm.RunningVarianceOffset + 1], model.State[norm.RunningMeanOffset + 1]);
        float[] theirs = RunInOnnxRuntime(model, inputs, 2);
        Assert.ThrowsAny<Exception>(() => Compare.Within(ours, theirs, model.Output.Size, "misplaced statistics"));
    }

    [Fact]
    public void The_comparison_fails_when_the_concatenation_order_is_wrong()
    {
        // Guards the reference: joining the branches in the other order must not pass.
        (GraphModel model, float scale) = Create("concatenate");
        model.Randomize(seed: 3);
        float[] inputs = Inputs(model, scale, 1, seed: 4);
        float[] ours = model.Predict(inputs, 1);
        var layers = model.Layers.Select(layer => layer is ConcatenateLayerInfo join
            ? join with { Input = TensorShape.Image(8, 8, 3), Inputs = ["Branch2b", "Branch1", "image"] }
            : layer).ToArray();
        using var folder = new TempFolder();
        string path = folder.File("swapped.onnx");
        OnnxExporter.Write(path, "Graph", model.Input, layers, model.Parameters, model.State);
        using var runner = new OrtRunner(path);
        float[] theirs = runner.Run(inputs, Shape(model.Input, 1));
        Assert.ThrowsAny<Exception>(() => Compare.Within(ours, theirs, model.Output.Size, "swapped branches"));
    }

    [Fact]
    public void An_image_output_leaves_the_graph_channels_last()
    {
        (GraphModel model, _) = Create("residual");
        model.Randomize(1);
        using var folder = new TempFolder();
        string path = folder.File("residual.onnx");
        OnnxExporter.Write(path, "Graph", model.Input, model.Layers, model.Parameters, model.State);
        using var runner = new OrtRunner(path);
        Assert.Equal([-1, 8, 7, 3], runner.Session.InputMetadata["input"].Dimensions);
        Assert.Equal([-1, 8, 7, 4], runner.Session.OutputMetadata["output"].Dimensions);
    }
}
