using ModelGen.Generator.Tests.Harness;
using ModelGen.Generator.Tests.Snapshots;

namespace ModelGen.Generator.Tests.GeneratedSource;

/// <summary>
/// The generated code for representative models: it must compile without a warning, and it is what
/// users read, so every change to it shows up as a snapshot diff to review.
/// </summary>
public sealed class GeneratedSourceTests
{
    /// <summary>Runs the generator on one model and returns its only generated file, checked to compile cleanly.</summary>
    private static GeneratedFile GenerateOne(string source, string expectedHintName)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorAssert.CompilesCleanly(run);
        GeneratedFile file = Assert.Single(run.GeneratedFiles);
        Assert.Equal(expectedHintName, file.HintName);
        return file;
    }

    [Fact]
    public Task Mnist()
    {
        GeneratedFile file = GenerateOne("""
            using ModelGen;

            namespace Samples.Mnist;

            [Model]
            [Input(784)]
            [Dense(128, Activation.ReLU, Name = "Hidden")]
            [Dense(10, Activation.Softmax, Name = "Output")]
            public partial class MnistMlp;
            """, "Samples.Mnist.MnistMlp.g.cs");
        return Snapshot.Verify(file.Text);
    }

    [Fact]
    public Task ResidualBlocks()
    {
        // A graph: a block used twice, a residual Add whose input is also read by a convolution (its gradient is
        // the sum of both, written in Backward), BatchNormalization with its running statistics, global pooling.
        GeneratedFile file = GenerateOne("""
            using ModelGen;

            namespace Samples.Graphs;

            [Block]
            [Conv2D(Block.Filters, 3, Padding = Padding.Same, UseBias = false)]
            [BatchNormalization(Name = "Bn")]
            [Add("Bn", Block.Input)]
            [Activation(Activation.ReLU)]
            public static class Residual;

            [Model]
            [Input(6, 6, 2)]
            [Conv2D(4, 3, Padding = Padding.Same, Name = "Stem")]
            [Use(typeof(Residual), Filters = 4, Name = "Block1")]
            [DepthwiseConv2D(3, Activation.ReLU6, Stride = 2, Padding = Padding.Same)]
            [Conv2D(3, 1, Name = "Narrow", Input = "Block1")]
            [AveragePooling2D(2, Name = "Pooled")]
            [Concatenate("DepthwiseConv1", "Pooled")]
            [GlobalAveragePooling2D]
            [Dense(3, Activation.Softmax)]
            public partial class SmallGraph;
            """, "Samples.Graphs.SmallGraph.g.cs");
        return Snapshot.Verify(file.Text);
    }

    [Fact]
    public Task MnistConvNet()
    {
        // Keras' "Simple MNIST convnet": unnamed layers get Conv1, Pool1, …, Flatten1, Dropout1, Dense1.
        GeneratedFile file = GenerateOne("""
            using ModelGen;

            namespace Samples.Mnist;

            [Model]
            [Input(28, 28, 1)]
            [Conv2D(32, 3, Activation.ReLU)]
            [MaxPool2D(2)]
            [Conv2D(64, 3, Activation.ReLU)]
            [MaxPool2D(2)]
            [Flatten]
            [Dropout(0.5)]
            [Dense(10, Activation.Softmax)]
            public partial class MnistConvNet;
            """, "Samples.Mnist.MnistConvNet.g.cs");
        return Snapshot.Verify(file.Text);
    }

    [Fact]
    public Task ConvRegressorWithOddShapes()
    {
        // Same padding with an odd total, stride 2, a 3×2 kernel, three input channels, overlapping
        // pooling windows, and a convolution as the output layer (so its input gradient flows back).
        GeneratedFile file = GenerateOne("""
            using ModelGen;

            namespace Samples.Vision;

            [Model(Loss = Loss.MeanSquaredError)]
            [Input(17, 13, 3)]
            [Conv2D(8, 3, 2, Activation.LeakyReLU, Stride = 2, Padding = Padding.Same, Slope = 0.1f, Name = "Stem")]
            [MaxPool2D(3, Stride = 2, Name = "Pool")]
            [Dropout(0.1)]
            [Conv2D(2, 1, Activation.Tanh, Name = "Head")]
            public partial class OddConvRegressor;
            """, "Samples.Vision.OddConvRegressor.g.cs");
        return Snapshot.Verify(file.Text);
    }

    [Fact]
    public Task DeepRegressorWithEveryActivation()
    {
        // Unnamed layers get Dense1, Dense2, … by position; the LeakyReLU slope is written into the code.
        GeneratedFile file = GenerateOne("""
            using ModelGen;

            namespace Samples.Regression
            {
                [Model(Loss = Loss.MeanSquaredError)]
                [Input(8)]
                [Dense(16, Activation.Identity, Name = "Linear")]
                [Dense(16, Activation.ReLU)]
                [Dense(16, Activation.LeakyReLU, Slope = 0.2f, Name = "Leaky")]
                [Dense(8, Activation.Sigmoid)]
                [Dense(2, Activation.Tanh, Name = "Output")]
                internal partial class DeepRegressor
                {
                }
            }
            """, "Samples.Regression.DeepRegressor.g.cs");
        return Snapshot.Verify(file.Text);
    }

    [Fact]
    public Task ClassifierWithSeveralHiddenLayers()
    {
        GeneratedFile file = GenerateOne("""
            using ModelGen;

            namespace Samples.Classification;

            [Model(Loss = Loss.SparseCategoricalCrossEntropy)]
            [Input(20)]
            [Dense(64, Activation.ReLU, Name = "First")]
            [Dense(32, Activation.ReLU, Name = "Second")]
            [Dense(16, Activation.Tanh, Name = "Third")]
            [Dense(3, Activation.Softmax, Name = "Classes")]
            public sealed partial class IrisClassifier;
            """, "Samples.Classification.IrisClassifier.g.cs");
        return Snapshot.Verify(file.Text);
    }

    [Fact]
    public Task GlobalNamespace()
    {
        // No namespace: the generated file must not declare one either. Loss.Auto with a
        // non-softmax output means mean squared error.
        GeneratedFile file = GenerateOne("""
            using ModelGen;

            [Model, Input(2), Dense(4, Activation.Tanh), Dense(1, Activation.Sigmoid)]
            public partial class XorNet;
            """, "XorNet.g.cs");
        return Snapshot.Verify(file.Text);
    }

    [Fact]
    public Task NestedInPartialClasses()
    {
        GeneratedFile file = GenerateOne("""
            using ModelGen;

            namespace Samples.Nested;

            public static partial class Models
            {
                internal partial class Vision
                {
                    [Model]
                    [Input(64)]
                    [Dense(10, Activation.Softmax, Name = "Digits")]
                    private partial class TinyDigits
                    {
                    }
                }
            }
            """, "Samples.Nested.Models+Vision+TinyDigits.g.cs");
        return Snapshot.Verify(file.Text);
    }

    /// <summary>Every kind of type that may contain a model: the generated partial declarations must match it.</summary>
    [Theory]
    [InlineData("partial class")]
    [InlineData("static partial class")]
    [InlineData("partial struct")]
    [InlineData("readonly partial struct")]
    [InlineData("partial record")]
    [InlineData("partial record class")]
    [InlineData("partial record struct")]
    [InlineData("partial interface")]
    [InlineData("abstract partial class")]
    public void ContainingTypeOfAnyKindCompiles(string container)
    {
        string body = container.Contains("interface") || container.Contains("static") ? ""
            : container.Contains("readonly") ? "public readonly int X;"
            : "public int X;";
        GeneratorRun run = GeneratorHarness.Run($$"""
            using ModelGen;

            namespace Samples;

            public {{container}} Outer
            {
                {{body}}

                [Model, Input(3), Dense(2, Activation.Softmax)]
                public partial class Net;
            }
            """);
        GeneratorAssert.CompilesCleanly(run);
        Assert.Equal("Samples.Outer+Net.g.cs", Assert.Single(run.GeneratedFiles).HintName);
    }

    /// <summary>
    /// The generated code must not depend on the consumer's usings: it compiles without any, and
    /// with the SDK's implicit global usings, and with usings that bring in clashing names.
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("global using global::System; global using global::System.Linq; global using global::System.Collections.Generic;")]
    [InlineData("global using Span = System.Collections.Generic.List<int>; global using Math = System.String; global using ModelGen.Serialization;")]
    public void GeneratedCodeDoesNotDependOnTheConsumersUsings(string globalUsings)
    {
        GeneratorRun run = GeneratorHarness.Run(globalUsings, """
            namespace Samples;

            [ModelGen.Model, ModelGen.Input(3), ModelGen.Dense(4, ModelGen.Activation.ReLU), ModelGen.Dense(2, ModelGen.Activation.Softmax)]
            public partial class Net;
            """);
        GeneratorAssert.CompilesCleanly(run);
        Assert.Single(run.GeneratedFiles);
    }

    [Fact]
    public void GeneratedCodeIsTheSameOnEveryRun()
    {
        const string source = """
            using ModelGen;
            [Model, Input(5), Dense(7, Activation.LeakyReLU, Slope = 0.125f), Dense(3, Activation.Softmax)]
            public partial class Net;
            """;
        string first = Assert.Single(GeneratorHarness.Run(source).GeneratedFiles).Text;
        string second = Assert.Single(GeneratorHarness.Run(source).GeneratedFiles).Text;
        Assert.Equal(first, second);
    }
}
