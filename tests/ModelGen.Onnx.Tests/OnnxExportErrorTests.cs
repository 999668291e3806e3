using ModelGen.Export;
using ModelGen.Onnx.Tests.Harness;

namespace ModelGen.Onnx.Tests;

/// <summary>Bad arguments get a one-line error naming the model and layer; files are written atomically.</summary>
public sealed class OnnxExportErrorTests
{
    private static readonly DenseLayerInfo Hidden = new("Hidden", TensorShape.Flat(4), TensorShape.Flat(3), Activation.ReLU, 0f, 0, 12);
    private static readonly DenseLayerInfo Output = new("Output", TensorShape.Flat(3), TensorShape.Flat(2), Activation.Softmax, 0f, 15, 21);
    private const int ParameterCount = 4 * 3 + 3 + 3 * 2 + 2;

    [Fact]
    public void Layers_that_do_not_chain_are_refused_naming_the_layer()
    {
        LayerInfo wrong = Output with { Input = TensorShape.Flat(5) };
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes("Net", 4, [Hidden, wrong], new float[ParameterCount]));
        Assert.Contains("Net, layer 'Output'", e.Message);
        Assert.Contains("takes 5 inputs", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void An_input_size_that_does_not_fit_the_first_layer_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes("Net", 7, [Hidden, Output], new float[ParameterCount]));
        Assert.Contains("layer 'Hidden'", e.Message);
    }

    [Fact]
    public void Parameters_too_short_for_the_layers_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes("Net", 4, [Hidden, Output], new float[ParameterCount - 1]));
        Assert.Contains("layer 'Output'", e.Message);
        Assert.Contains("biases", e.Message);
    }

    [Fact]
    public void No_layers_and_duplicate_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes("Net", 4, [], new float[ParameterCount]));
        var e = Assert.Throws<ArgumentException>(() =>
            OnnxExporter.ToBytes("Net", 4, [Hidden, Output with { Name = "Hidden" }], new float[ParameterCount]));
        Assert.Contains("used twice", e.Message);
    }

    [Fact]
    public void A_failed_export_leaves_an_existing_file_as_it_was_and_no_temporary_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.onnx");
        File.WriteAllText(path, "previous content");
        Assert.Throws<ArgumentException>(() => OnnxExporter.Write(path, "Net", 4, [Hidden, Output], new float[3]));
        Assert.Equal("previous content", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Export_creates_a_missing_folder_and_replaces_an_existing_file()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "nested", "deeper", "model.onnx");
        var parameters = new float[ParameterCount];
        OnnxExporter.Write(path, "Net", 4, [Hidden, Output], parameters);
        Assert.Equal(OnnxExporter.ToBytes("Net", 4, [Hidden, Output], parameters), File.ReadAllBytes(path));

        parameters[0] = 1f;
        OnnxExporter.Write(path, "Net", 4, [Hidden, Output], parameters);
        Assert.Equal(OnnxExporter.ToBytes("Net", 4, [Hidden, Output], parameters), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }
}

/// <summary>Image layers that do not fit together, and layer kinds the exporter does not know, are refused loudly.</summary>
public sealed class OnnxImageExportErrorTests
{
    private sealed record UnknownLayerInfo(string Name, TensorShape Input, TensorShape Output) : LayerInfo(Name, Input, Output);

    private static LayerListModel Valid() => ConvOnnxRuntimeTests.Create("valid").Randomize(1);

    [Fact]
    public void An_unknown_layer_kind_is_refused_naming_it()
    {
        LayerListModel model = Valid();
        LayerInfo unknown = new UnknownLayerInfo("Odd", model.Layers[^1].Output, model.Layers[^1].Output);
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes("Net", model.Input, [.. model.Layers, unknown], model.Parameters));
        Assert.Equal("Layer 'Odd' is a UnknownLayerInfo, which the ONNX exporter does not know how to write.", e.Message);
    }

    [Fact]
    public void A_conv_whose_geometry_is_for_another_image_is_refused()
    {
        LayerListModel model = Valid();
        var conv = (Conv2DLayerInfo)model.Layers[0];
        LayerInfo wrong = conv with { Geometry = conv.Geometry with { Channels = 1 } };
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes("Net", model.Input, [wrong, .. model.Layers.Skip(1)], model.Parameters));
        Assert.StartsWith("Net, layer 'Conv': its geometry is for a [17, 13, 1] image, but its input is [17, 13, 3].", e.Message);
    }

    [Fact]
    public void An_image_input_given_as_a_flat_size_is_refused()
    {
        LayerListModel model = Valid();
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes("Net", model.Input.Size, model.Layers, model.Parameters));
        Assert.StartsWith("Net, layer 'Conv': its input is [17, 13, 3], but the previous layer gives [663].", e.Message);
    }

    [Fact]
    public void Conv_weights_beyond_the_parameters_are_refused()
    {
        LayerListModel model = Valid();
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes("Net", model.Input, model.Layers, model.Parameters.AsSpan(0, 50)));
        Assert.StartsWith("Net, layer 'Conv': its weights [3, 2, 3, 4] at offset 0 do not fit the 50 parameters.", e.Message);
    }

    [Fact]
    public void Softmax_after_a_convolution_is_refused()
    {
        LayerListModel model = new LayerListModel(TensorShape.Image(4, 4, 1)).Conv2D("Conv", 2, 2, 2, 1, Padding.Valid, Activation.Softmax).Randomize(1);
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes("Net", model.Input, model.Layers, model.Parameters));
        Assert.StartsWith("Layer 'Conv': Softmax after a convolution has no ONNX mapping here.", e.Message);
    }
}
