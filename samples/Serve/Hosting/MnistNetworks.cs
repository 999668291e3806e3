using Microsoft.Extensions.DependencyInjection;
using ModelGen.Samples.Mnist;
using ModelGen.Serving;

namespace ModelGen.Samples.Serve.Hosting;

/// <summary>
/// The networks the MNIST sample trains, each with the spec its model files carry and how to serve it: the file's
/// metadata says which network it holds, as the MNIST sample's evaluate and predict read it.
/// </summary>
internal sealed record MnistNetwork(string Name, string Summary, string Spec, Action<IServiceCollection, string, Action<ServedModelOptions>> Register)
{
    public static IReadOnlyList<MnistNetwork> All { get; } =
    [
        new("mlp", "784 → 128 ReLU → 10 softmax", MnistMlp.Spec,
            (services, name, options) => services.AddInferenceModel<MnistMlp, MnistMlp.Workspace>(name, options)),
        new("cnn", "Keras' MNIST convnet", MnistConvNet.Spec,
            (services, name, options) => services.AddInferenceModel<MnistConvNet, MnistConvNet.Workspace>(name, options)),
        new("resnet", "ResNet-20", MnistResNet.Spec,
            (services, name, options) => services.AddInferenceModel<MnistResNet, MnistResNet.Workspace>(name, options)),
    ];

    /// <summary>The network whose spec is <paramref name="spec"/>, or null.</summary>
    public static MnistNetwork? FromSpec(string? spec) => All.FirstOrDefault(n => n.Spec == spec);

    /// <summary>"mlp, cnn or resnet".</summary>
    public static string Names => string.Join(", ", All.Take(All.Count - 1).Select(n => n.Name)) + " or " + All[^1].Name;
}
