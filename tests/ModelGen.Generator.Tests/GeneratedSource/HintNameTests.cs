using ModelGen.Generator.Tests.Harness;

namespace ModelGen.Generator.Tests.GeneratedSource;

/// <summary>Each model gets its own generated file: two files with one hint name make the generator fail.</summary>
public sealed class HintNameTests
{
    [Fact]
    public void SameClassNameInDifferentNamespacesGetsDifferentFiles()
    {
        GeneratorRun run = GeneratorHarness.Run(
            """
            using ModelGen;
            namespace Vision.Models;
            [Model, Input(784), Dense(10, Activation.Softmax)]
            public partial class Net;
            """,
            """
            using ModelGen;
            namespace Audio.Models;
            [Model, Input(40), Dense(16, Activation.ReLU), Dense(2, Activation.Softmax)]
            public partial class Net;
            """,
            """
            using ModelGen;
            [Model, Input(2), Dense(1, Activation.Sigmoid)]
            public partial class Net;
            """,
            """
            using ModelGen;
            namespace Speech;
            public partial class Models
            {
                [Model, Input(3), Dense(1)]
                public partial class Net;
            }
            """);

        GeneratorAssert.CompilesCleanly(run);
        Assert.Equal(
            ["Audio.Models.Net.g.cs", "Net.g.cs", "Speech.Models+Net.g.cs", "Vision.Models.Net.g.cs"],
            run.GeneratedFiles.Select(f => f.HintName).Order(StringComparer.Ordinal));
        // Each file is for its own model.
        Assert.Contains("public const int InputSize = 784;", run.GeneratedFiles.Single(f => f.HintName == "Vision.Models.Net.g.cs").Text);
        Assert.Contains("public const int InputSize = 40;", run.GeneratedFiles.Single(f => f.HintName == "Audio.Models.Net.g.cs").Text);
        Assert.Contains("public const int InputSize = 3;", run.GeneratedFiles.Single(f => f.HintName == "Speech.Models+Net.g.cs").Text);
    }
}
