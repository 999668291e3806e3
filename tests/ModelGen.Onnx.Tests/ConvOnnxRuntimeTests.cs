using ModelGen.Export;
using ModelGen.Onnx.Tests.Harness;

namespace ModelGen.Onnx.Tests;

/// <summary>
/// Image models (Conv2D, MaxPool2D, Flatten, Dropout, Dense) given as LayerInfo lists with random parameters,
/// exported and run by ONNX Runtime on channels-last inputs: the outputs equal the runtime kernels' within 1e-5.
/// </summary>
public sealed class ConvOnnxRuntimeTests
{
    /// <summary>The networks, by name: together they cover Valid and Same padding (odd totals), strides 1 and 2,
    /// 3 input channels on a 17×13 image, a 3×2 kernel, overlapping pooling windows, Flatten → Dense, Dropout,
    /// every activation after a convolution, and an image output.</summary>
    public static LayerListModel Create(string name) => name switch
    {
        // Valid padding; a 3×3 pooling window with stride 2 overlaps its neighbours.
        "valid" => new LayerListModel(TensorShape.Image(17, 13, 3))
            .Conv2D("Conv", 4, 3, 2, 1, Padding.Valid, Activation.ReLU)
            .MaxPool2D("Pool", 3, 3, 2, Padding.Valid)
            .Flatten("Flat")
            .Dense("Out", 5, Activation.Softmax),
        // Same padding with stride 2: along the width the 3×2 kernel pads 1 in total (all of it on the right);
        // the pooling's 3×2 window pads 2 rows (1 + 1) and 1 column (right); then a stride-1 Same 3×3 convolution.
        "same-stride-2" => new LayerListModel(TensorShape.Image(17, 13, 3))
            .Conv2D("Down", 6, 3, 2, 2, Padding.Same, Activation.LeakyReLU, slope: 0.2f)
            .MaxPool2D("Pool", 3, 2, 2, Padding.Same)
            .Conv2D("Mix", 4, 3, 3, 1, Padding.Same, Activation.Tanh)
            .Flatten("Flat")
            .Dropout("Drop", 0.5f)
            .Dense("Hidden", 8, Activation.Sigmoid)
            .Dense("Out", 3, Activation.Identity),
        // Two convolutions in a row (no Transpose between them), ending in an image.
        "image-output" => new LayerListModel(TensorShape.Image(9, 8, 2))
            .Conv2D("First", 3, 2, 2, 1, Padding.Same, Activation.Sigmoid)
            .Conv2D("Second", 5, 3, 1, 1, Padding.Valid, Activation.Identity)
            .MaxPool2D("Pool", 2, 2, 2, Padding.Valid),
        // A flat model with dropout: dropout writes nothing, the graph stays Gemm and activation nodes.
        "flat-dropout" => new LayerListModel(TensorShape.Flat(10))
            .Dense("Hidden", 12, Activation.ReLU)
            .Dropout("Drop", 0.3f)
            .Dense("Out", 4, Activation.Softmax)
            .Dropout("Last", 0.1f),
        _ => throw new ArgumentException($"No network named {name}.", nameof(name)),
    };

    public static TheoryData<string, int> NetworksAndBatchSizes()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in (string[])["valid", "same-stride-2", "image-output", "flat-dropout"])
            foreach (int rows in (int[])[1, 5]) data.Add(name, rows);
        return data;
    }

    [Theory]
    [MemberData(nameof(NetworksAndBatchSizes))]
    public void Onnx_Runtime_outputs_equal_the_runtime_kernels_outputs(string name, int rows)
    {
        LayerListModel model = Create(name).Randomize(seed: 7 + (ulong)rows);
        float[] inputs = RandomInputs(rows * model.Input.Size, seed: 100 + (ulong)rows);

        using var folder = new TempFolder();
        string path = folder.File(name + ".onnx");
        OnnxExporter.Write(path, "Net", model.Input, model.Layers, model.Parameters);

        using var runner = new OrtRunner(path);
        long[] shape = model.Input.IsImage ? [rows, model.Input.Height, model.Input.Width, model.Input.Channels] : [rows, model.Input.Size];
        float[] theirs = runner.Run(inputs, shape);
        float[] ours = model.Predict(inputs, rows);
        Compare.Within(ours, theirs, model.Layers[^1].Output.Size, $"{name}, {rows} row(s)");
    }

    [Fact]
    public void The_comparison_fails_when_the_image_order_is_wrong()
    {
        // Guards the test itself: feeding ONNX Runtime the channels-first image must not pass.
        LayerListModel model = Create("valid").Randomize(seed: 3);
        TensorShape s = model.Input;
        float[] inputs = RandomInputs(s.Size, seed: 4);
        var channelsFirst = new float[inputs.Length];
        for (int y = 0; y < s.Height; y++)
            for (int x = 0; x < s.Width; x++)
                for (int c = 0; c < s.Channels; c++)
                    channelsFirst[(y * s.Width + x) * s.Channels + c] = inputs[(c * s.Height + y) * s.Width + x];

        using var folder = new TempFolder();
        string path = folder.File("valid.onnx");
        OnnxExporter.Write(path, "Net", s, model.Layers, model.Parameters);
        using var runner = new OrtRunner(path);
        float[] theirs = runner.Run(channelsFirst, [1, s.Height, s.Width, s.Channels]);
        Assert.ThrowsAny<Exception>(() => Compare.Within(model.Predict(inputs, 1), theirs, 5, "wrong order"));
    }

    [Fact]
    public void Session_metadata_shows_a_channels_last_image_input()
    {
        LayerListModel model = Create("image-output").Randomize(seed: 1);
        using var folder = new TempFolder();
        string path = folder.File("image.onnx");
        OnnxExporter.Write(path, "Images", model.Input, model.Layers, model.Parameters);

        using var runner = new OrtRunner(path);
        Assert.Equal([-1, 9, 8, 2], runner.Session.InputMetadata["input"].Dimensions);
        Assert.Equal("batch", runner.Session.InputMetadata["input"].SymbolicDimensions[0]);
        Assert.Equal([-1, 3, 4, 5], runner.Session.OutputMetadata["output"].Dimensions);
    }

    internal static float[] RandomInputs(int count, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = 2f * random.NextSingle() - 1f;
        return values;
    }
}
