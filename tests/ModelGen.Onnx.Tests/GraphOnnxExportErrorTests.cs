using ModelGen.Export;
using ModelGen.Onnx.Tests.Harness;

namespace ModelGen.Onnx.Tests;

/// <summary>Graphs whose layers do not fit together are refused with one line naming the model and the layer.</summary>
public sealed class GraphOnnxExportErrorTests
{
    private static GraphModel Model(string name) => GraphOnnxRuntimeTests.Create(name).Model.Randomize(1);

    private static void AssertRefused(GraphModel model, IReadOnlyList<LayerInfo> layers, string message, float[]? state = null)
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes("Graph", model.Input, layers, model.Parameters, state ?? model.State));
        Assert.Equal(message + " (Parameter 'layers')", e.Message);
    }

    private static LayerInfo[] Replace(GraphModel model, string name, Func<LayerInfo, LayerInfo> change) =>
        model.Layers.Select(layer => layer.Name == name ? change(layer) : layer).ToArray();

    [Fact]
    public void A_name_no_layer_has_is_the_network_input()
    {
        // The projection's shortcut reads "image"; any other name that no layer has reads the input too.
        GraphModel model = Model("projection");
        LayerInfo[] renamed = Replace(model, "Shortcut", layer => layer with { Inputs = ["anything"] });
        Assert.Equal(OnnxExporter.ToBytes("Graph", model.Input, model.Layers, model.Parameters, model.State),
            OnnxExporter.ToBytes("Graph", model.Input, renamed, model.Parameters, model.State));
    }

    [Fact]
    public void A_name_of_a_later_layer_is_refused_not_taken_for_the_network_input()
    {
        GraphModel model = new GraphModel(TensorShape.Flat(4), "x").Dense("A", 3).Add("Sum", "A", "Late").Dense("Late", 3, from: "x").Randomize(1);
        AssertRefused(model, model.Layers,
            "Graph, layer 'Sum': it reads layer 'Late', which comes after it; a layer reads only layers listed before it (or the network input).");
    }

    [Fact]
    public void A_layer_reading_itself_is_refused()
    {
        GraphModel model = new GraphModel(TensorShape.Flat(4), "x").Dense("A", 4).Add("Sum", "A", "Sum").Randomize(1);
        AssertRefused(model, model.Layers, "Graph, layer 'Sum': it reads itself.");
    }

    [Fact]
    public void Batch_normalization_without_state_is_one_clear_error_and_writes_nothing()
    {
        GraphModel model = Model("residual");
        using var folder = new TempFolder();
        string path = folder.File("model.onnx");
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Write(path, "Graph", model.Input, model.Layers, model.Parameters));
        Assert.Equal("Graph, layer 'Norm1': batch normalization needs its running mean and variance, but no state was given; " +
            "export with the overload that takes the model's state. (Parameter 'layers')", e.Message);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void State_too_short_for_the_running_statistics_is_refused() =>
        AssertRefused(Model("residual"), Model("residual").Layers,
            "Graph, layer 'Norm1': its running variance [4] at offset 4 does not fit the 6 state values.", state: new float[6]);

    [Fact]
    public void A_sum_of_different_shapes_is_refused_naming_the_input()
    {
        GraphModel model = Model("residual");
        AssertRefused(model, Replace(model, "Sum", layer => layer with { Inputs = ["Norm2", "image"] }),
            "Graph, layer 'Sum': the network input 'image' gives [8, 7, 3], but every input of the sum must be its output's [8, 7, 4].");
    }

    [Fact]
    public void A_sum_of_one_input_is_refused()
    {
        GraphModel model = Model("residual");
        AssertRefused(model, Replace(model, "Sum", layer => layer with { Inputs = [] }), "Graph, layer 'Sum': it reads 1 input; an Add layer reads two or more.");
    }

    [Fact]
    public void A_concatenation_of_images_of_different_sizes_is_refused()
    {
        GraphModel model = new GraphModel(TensorShape.Image(6, 6, 2))
            .MaxPool2D("Half", 2, 2, Padding.Valid)
            .Concatenate("Joined", "Half", "image").Randomize(1);
        LayerInfo[] layers = [model.Layers[0], model.Layers[1] with { Output = TensorShape.Image(3, 3, 4) }];
        AssertRefused(model, layers, "Graph, layer 'Joined': the network input 'image' gives [6, 6, 2], whose 6×6 pixels differ from the first input's 3×3.");
    }

    [Fact]
    public void A_single_input_layer_naming_two_inputs_is_refused()
    {
        GraphModel model = Model("flat-graph");
        AssertRefused(model, Replace(model, "Out", layer => layer with { Inputs = ["Drop", "P"] }), "Graph, layer 'Out': it reads 2 inputs, but a Dense layer reads one.");
    }

    [Fact]
    public void Softmax_over_an_image_is_refused()
    {
        GraphModel model = new GraphModel(TensorShape.Image(3, 3, 2)).Activation("Soft", Activation.Softmax).Randomize(1);
        AssertRefused(model, model.Layers, "Graph, layer 'Soft': Softmax over an image has no ONNX mapping here (flatten it first).");
    }

    [Fact]
    public void A_depthwise_convolution_whose_output_ignores_the_multiplier_is_refused()
    {
        GraphModel model = Model("depthwise-multiplier");
        AssertRefused(model, Replace(model, "Depthwise", layer => layer with { Output = TensorShape.Image(5, 4, 3) }),
            "Graph, layer 'Depthwise': its output [5, 4, 3] is not its geometry's [5, 4, 6] (channels × depth multiplier).");
    }
}
