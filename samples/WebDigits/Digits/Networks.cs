using ModelGen.Samples.Mnist;

namespace ModelGen.Samples.WebDigits.Digits;

/// <summary>The three networks the page offers, by the MNIST sample's --network names.</summary>
internal static class Networks
{
    /// <summary>The names, in the order the page lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mlp", "cnn", "resnet"];

    /// <summary>A new network called <paramref name="name"/>, with initial weights (the page loads its file next).</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="Names"/>.</exception>
    public static PageNetwork Create(string name) => name switch
    {
        "mlp" => new PageNetwork<MnistMlp, MnistMlp.Workspace>(name, new MnistMlp(0), teachBatch: 32),
        "cnn" => new PageNetwork<MnistConvNet, MnistConvNet.Workspace>(name, new MnistConvNet(0), teachBatch: 32),
        // A ResNet step costs about 30 convnet steps: a smaller batch keeps "teach it" within seconds in the browser.
        "resnet" => new PageNetwork<MnistResNet, MnistResNet.Workspace>(name, new MnistResNet(0), teachBatch: 16),
        _ => throw new ArgumentException($"No network called '{name}': the page has {string.Join(", ", Names)}.", nameof(name)),
    };
}
